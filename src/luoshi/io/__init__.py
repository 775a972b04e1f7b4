"""Files offices exchange: the Excel ledger today, Word bulletins later."""
