"""The JSON API under /api/v1: one module per part of the ledger, joined in ``router.py``."""

# Every API route is declared with this prefix (routes are built once, where declared).
PREFIX = "/api/v1"
