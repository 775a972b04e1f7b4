"""Sign-in tokens: random, and stored only as hashes."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    """An unguessable token (256 bits), URL- and cookie-safe."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps of a token: its SHA-256."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()
