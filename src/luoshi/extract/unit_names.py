"""Unit names as a document writes them: 市商务局、市财政局等; 市发展改革委牵头，市财政局配合.

A document's own units are used as written; only the list around them is
taken apart: separators (、，；/ and spaces), a closing 等/等单位/等部门, the
role words 牵头/配合/负责 and a bracketed role such as （牵头）.
"""

from __future__ import annotations

from luoshi.text.lazy import lazy

# What a department's name ends with (委, 局, 办, 厅, 部, 中心, 政府, 街道 …).
UNIT_END = (
    r"(?:委员会|管委会|委|局|办公室|办|厅|部|署|总局|总署|行|院|会|中心|政府|街道|镇|乡|"
    r"集团|公司|处|室|站|所|队|社|联|团|馆|台|组)"
)
_UNIT = lazy(rf"^[\u4e00-\u9fffA-Za-z0-9（）()]{{2,30}}?{UNIT_END}$")
_SEPARATORS = lazy(
    r"[、,，;；/／\s]+"
    r"|(?<=[委局办厅部署行院会心府道镇乡团司处室站所队社联组])(?:及|和|与)"
)
_ROLE = lazy(r"[（(](?:牵头|主责|负责|配合|协办|参与)[)）]")
_TAIL = lazy(
    r"(?:等(?:有关|相关)?(?:单位|部门|成员单位)?|(?:按职责|按照职责|根据职责)?(?:分工)?负责|"
    r"牵头(?:负责)?|(?:共同)?配合|协办|参与|落实|[。.])+$"
)
_LEAD_IN_BRACKETS = lazy(r"[（(](?:牵头|主责)[)）]")
_CO_SPLIT = lazy(r"牵头(?:负责)?[,，;；、]?\s*")


def is_unit_name(text: str) -> bool:
    """Whether ``text`` reads as one department's name (市财政局, 各区政府)."""
    return bool(_UNIT.match(text)) or (text.startswith("各") and 2 < len(text) <= 12)


def split_units(text: str) -> list[str]:
    """The names in a list of units, in order, each once."""
    names: list[str] = []
    for part in _SEPARATORS.split(text.strip()):
        name = _TAIL.sub("", _ROLE.sub("", part)).strip()
        if name and name not in names:
            names.append(name)
    return names


def lead_and_co(text: str) -> tuple[str | None, list[str]]:
    """(lead unit, co-units) of a cell or phrase naming units.

    ``X牵头，Y配合`` and ``X（牵头）、Y`` name the lead; in a plain list the
    first unit leads and the others support, as offices write them.
    """
    text = text.strip()
    if not text:
        return None, []
    marked = _CO_SPLIT.split(_LEAD_IN_BRACKETS.sub("牵头", text), maxsplit=1)
    if len(marked) == 2 and marked[0]:
        leads, rest = split_units(marked[0]), split_units(marked[1])
        return (leads[0] if leads else None), [*leads[1:], *(u for u in rest if u not in leads)]
    names = split_units(text)
    if not names:
        return None, []
    return names[0], names[1:]
