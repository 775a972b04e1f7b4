"""Tokens for sign-in and CSRF: random session tokens, stored only as hashes;
CSRF tokens derived from them with the app's secret key."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_token() -> str:
    """An unguessable token (256 bits), URL- and cookie-safe."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps of a token: its SHA-256."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def csrf_token(secret: str, session_token: str) -> str:
    """The CSRF token of a session: only someone who can read our pages learns it."""
    mac = hmac.new(secret.encode(), b"csrf:" + session_token.encode("utf-8", "replace"), "sha256")
    return mac.hexdigest()


def same(given: str | None, expected: str) -> bool:
    """Constant-time comparison of a submitted token with the expected one."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())
