"""CSRF tokens, derived from a session's token with the app's secret key (the session
tokens themselves are the ledger's: ``ledger.tokens``)."""

from __future__ import annotations

import hmac


def csrf_token(secret: str, session_token: str) -> str:
    """The CSRF token of a session: only someone who can read our pages learns it."""
    mac = hmac.new(secret.encode(), b"csrf:" + session_token.encode("utf-8", "replace"), "sha256")
    return mac.hexdigest()


def same(given: str | None, expected: str) -> bool:
    """Constant-time comparison of a submitted token with the expected one."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())
