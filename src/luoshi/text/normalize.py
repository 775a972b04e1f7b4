"""Width and space folding that never changes the length of the text.

Extraction rules match on a folded copy of the raw text. Every replacement here
maps one code point to one code point, so an index into the folded copy is the
same index into the raw text: the offset map is the identity, and
``raw[start:end]`` is always the surface the rule saw. That is why we fold
full-width ASCII (``，：（）０-９％``) to ASCII instead of the other way round,
and never delete or insert characters (spaces inside numbers are tolerated by
the patterns instead).

Traditional characters are folded to simplified ones the same way (萬 → 万,
億 → 亿, 個 → 个, 項 → 项), from the table in ``luoshi/data/traditional.toml``,
so that the rules written for simplified text read both.
"""

from __future__ import annotations

from functools import cache

from luoshi import data

_TABLE: dict[int, int] = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_TABLE.update(
    {
        0x3000: 0x20,  # ideographic space
        0x00A0: 0x20,  # no-break space
        0xFEFF: 0x20,  # byte-order mark / zero-width no-break space
        0x200B: 0x20,  # zero-width space
        0x2002: 0x20,
        0x2003: 0x20,
        0x2009: 0x20,
        0x3007: 0x3007,  # 〇 stays: it is a Chinese numeral, not a digit
        0xFE51: ord("、"),  # small ideographic comma
        0x2013: ord("—"),  # en dash as used in ranges: 1–8月
        0x2015: ord("—"),  # horizontal bar, a common stand-in for the dash
        0x2212: ord("-"),  # minus sign
        0x301C: ord("~"),  # wave dash
        0x2027: ord("·"),  # hyphenation point
        0x30FB: ord("·"),  # katakana middle dot
        0x2022: ord("·"),  # bullet used as a separator in names
    }
)
del _TABLE[0x3007]


@cache
def traditional_table() -> dict[int, int]:
    """Traditional → simplified, one code point each (read once, on first use)."""
    text = data.read_text("traditional.toml")
    pairs = plain_pairs(text, "fold")
    if pairs is None:
        import tomllib

        pairs = tomllib.loads(text)["fold"]
    bad = [k for k, v in pairs.items() if len(k) != 1 or len(v) != 1]
    if bad:
        raise ValueError(f"traditional.toml: not one character on each side: {bad[:5]}")
    return {ord(k): ord(v) for k, v in pairs.items()}


def plain_pairs(text: str, table: str) -> dict[str, str] | None:
    """The pairs of a TOML file holding only ``[table]`` and lines ``"繁" = "简"`` (one
    character each side, as shipped), read in a millisecond where tomllib takes forty,
    a sixth of ``luoshi extract``'s start. None for anything else (an escape, a comment
    after a pair, another table, a repeated key): the caller then asks tomllib."""
    pairs: dict[str, str] = {}
    header = f"[{table}]"
    seen_header = False
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        if line == header and not seen_header:
            seen_header = True
        elif (
            seen_header
            and len(line) == 9
            and line[0] == line[2] == line[6] == line[8] == '"'
            and line[3:6] == " = "
            and line[1] not in pairs
            and line[1] not in '"\\'
            and line[7] not in '"\\'
        ):
            pairs[line[1]] = line[7]
        else:
            return None
    return pairs if seen_header else None


@cache
def _fold_table() -> dict[int, int]:
    return {**traditional_table(), **_TABLE}


def fold(raw: str) -> str:
    """Return ``raw`` with full-width forms folded to ASCII and traditional characters
    to simplified; same length, same offsets."""
    return raw.translate(_fold_table())
