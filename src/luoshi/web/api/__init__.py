"""The JSON API under /api/v1: one module per part of the ledger, joined in ``router.py``."""
