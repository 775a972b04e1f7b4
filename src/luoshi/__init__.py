"""Luoshi (落实): policy documents in, a living implementation ledger out."""

__version__ = "0.1.0"
