"""Every error Luoshi raises on purpose.

    LuoshiError                 base; ``message`` is what a clerk reads (Chinese first)
    ├── ReadError               a file cannot be turned into text (binary, empty, encoding)
    ├── InputError              a value given by a person is not valid (HTTP 422)
    │   └── ImportErrors        a spreadsheet has invalid cells (all of them, at once)
    ├── NotFound                a referenced thing does not exist (HTTP 404)
    ├── PermissionDenied        the user may not do this (HTTP 403)
    ├── Unauthenticated         nobody is logged in (HTTP 401)
    ├── Conflict                a stale or duplicate write was refused (HTTP 409)
    ├── TooLarge                an upload past the size limit (HTTP 413)
    ├── TooManyRequests         rate limit hit, e.g. failed logins (HTTP 429)
    ├── Busy                    the database is locked by another writer (HTTP 503)
    └── DeliveryFailed          messages were recorded but a channel refused them (HTTP 502)
    └── Unavailable             the database cannot be reached (HTTP 503)

Library code raises these; the CLI turns them into one-line messages and exit
status 2, the web app into one JSON error shape. Nothing else is caught broadly.
"""

from __future__ import annotations


class LuoshiError(Exception):
    """Base class: an expected failure with a message for the person at the keyboard."""

    status = 400
    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ReadError(LuoshiError):
    """A file cannot be read as a document."""

    code = "unreadable_file"

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}：{reason}")
        self.path = path
        self.reason = reason


class InputError(LuoshiError):
    """A value supplied by a user is not acceptable. ``fields`` names the fields at
    fault (``reason``), so each interface can say how to give them (the CLI its flags)."""

    status = 422
    code = "invalid_input"

    def __init__(self, message: str, fields: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.fields = fields


class ImportErrors(InputError):
    """An imported spreadsheet has invalid cells; ``problems`` lists every one."""

    def __init__(self, problems: list[str]) -> None:
        head = f"导入失败：共 {len(problems)} 处错误，未做任何修改"
        super().__init__("\n".join([head, *problems]))
        self.problems = problems


class NotFound(LuoshiError):
    status = 404
    code = "not_found"


class PermissionDenied(LuoshiError):
    status = 403
    code = "forbidden"


class Unauthenticated(LuoshiError):
    status = 401
    code = "unauthenticated"


class Conflict(LuoshiError):
    status = 409
    code = "conflict"


class TooLarge(LuoshiError):
    status = 413
    code = "too_large"


class TooManyRequests(LuoshiError):
    status = 429
    code = "too_many_requests"


class Busy(LuoshiError):
    """The database could not take the write now; nothing was written."""

    status = 503
    code = "busy"


class DeliveryFailed(LuoshiError):
    """Reminders were recorded, but some could not be sent (mail server or webhook down)."""

    status = 502
    code = "delivery_failed"


class Unavailable(LuoshiError):
    """The database cannot be reached (down, restarting, the network gone)."""

    status = 503
    code = "unavailable"
