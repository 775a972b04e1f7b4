"""The ledger (台账): documents, plans, tasks, targets, the reporting cycle and its audit trail."""
