"""列宽: the lengths of the ledger's string columns, minded before anything is written.

SQLite keeps a string of any length in a VARCHAR(n); PostgreSQL refuses it and the
whole transaction fails with a traceback. So what people type is refused with a
message naming the field, and what comes from a document is shortened to fit.
"""

from __future__ import annotations

from typing import Any, overload

from sqlalchemy.orm import QueryableAttribute

from luoshi.errors import InputError

ELLIPSIS = "…"
_SHOWN = 20  # characters of an over-long value quoted back


def max_length(column: QueryableAttribute[Any]) -> int | None:
    """The column's length in characters; None for unbounded text."""
    length = getattr(column.type, "length", None)
    return length if isinstance(length, int) else None


def too_long(column: QueryableAttribute[Any], value: object, label: str) -> str | None:
    """A message when ``value`` does not fit ``column``, else None."""
    limit = max_length(column)
    if limit is None or not isinstance(value, str) or len(value) <= limit:
        return None
    return f"{label}「{value[:_SHOWN]}{ELLIPSIS}」过长（{len(value)} 个字符），最多 {limit} 个字符"


def check(column: QueryableAttribute[Any], value: object, label: str) -> None:
    """Refuse a value a person gave that the column cannot hold."""
    message = too_long(column, value, label)
    if message is not None:
        raise InputError(message)


@overload
def fit(column: QueryableAttribute[Any], value: str) -> str: ...
@overload
def fit(column: QueryableAttribute[Any], value: str | None) -> str | None: ...
def fit(column: QueryableAttribute[Any], value: str | None) -> str | None:
    """Text from a document, cut to the column's length with an ellipsis when longer."""
    limit = max_length(column)
    if value is None or limit is None or len(value) <= limit:
        return value
    return value[: limit - len(ELLIPSIS)] + ELLIPSIS
