"""文件: storing documents with their extracted spans, recognising duplicates."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import delete, false, func, or_, select, text, update
from sqlalchemy.orm import Session

from luoshi.errors import Conflict, InputError, NotFound
from luoshi.extract.profile import GENRE_LABELS
from luoshi.extract.records import heading_record, quantity_record
from luoshi.ledger import audit, dedup, limits, locking
from luoshi.ledger.access import require_manager
from luoshi.ledger.clock import now
from luoshi.ledger.limits import fit
from luoshi.ledger.models import Document, DocumentSpan, Plan, TargetCheck, Task, User
from luoshi.ledger.source_tables import tables_json
from luoshi.ledger.values import parse_date
from luoshi.text.document import Document as SourceText

if TYPE_CHECKING:
    from luoshi.extract.pipeline import Extraction

LEVELS = ("国家", "省", "市", "区", "县")
_LABELS = {"title": "标题", "issuer": "发文单位"}
Outcome = Literal["new", "exists", "near_duplicate"]
# Fewer letters, digits and characters than this is no document to build a ledger from
# (a BOM-only file, a stray line): refused with the count, not stored as "（无标题）".
MIN_TEXT_CHARS = 20

_TITLE_LINE = re.compile(r"政府工作报告|规划|方案|措施|意见|通知|办法|决定|建议|发布会")
_CLAUSE = re.compile(r"[,，。;；:：]")
_PLACE = re.compile(r"([\u4e00-\u9fff]{1,6}?[省市区县])(?:人民政府|市长|区长|县长|省长)")
_NOT_PLACE = re.compile(r"我|代表|全|本|各")


@dataclass(frozen=True)
class SpanDraft:
    """A heading or quantity found in a document, before it is stored."""

    kind: str
    start: int
    end: int
    text: str
    attrs: dict[str, Any]


@dataclass(frozen=True)
class Prepared:
    """A document read and extracted, ready to store: everything that takes time on a
    large or hostile file is done here, before any transaction (plain data, so it can
    come back from the child process an upload is read in)."""

    name: str
    raw: str
    digest: str
    title: str
    issuer: str | None
    level: str | None
    genre: str
    date: str | None
    spans: list[SpanDraft]
    tables: list[Any] | None = None  # the reader's tables (source_tables.tables_json)


def prepare(source: SourceText) -> Prepared:
    """Extract ``source`` (no database needed)."""
    # Imported here: the extraction rules take a tenth of a second to load, which every
    # web worker and ledger command would pay at start-up for this one call.
    from luoshi.extract.pipeline import extract

    x = extract(source)
    p = x.profile
    assert p is not None
    return Prepared(
        name=source.name,
        raw=source.raw,
        digest=dedup.sha256(source.raw),
        title=infer_title(source.raw, p.year),
        issuer=infer_issuer(source.raw),
        level=p.level,
        genre=p.genre,
        date=p.date,
        spans=_spans(x),
        tables=tables_json(source.reader_tables),
    )


@dataclass(frozen=True)
class Ingested:
    """What happened to one file: stored anew, already there, or a near-duplicate."""

    document: Document
    outcome: Outcome
    similarity: float | None = None


def ingest(s: Session, actor: User, source: SourceText | Prepared) -> Ingested:
    """Store a document with its headings and quantities, unless it is already stored.
    Given a ``Prepared`` one, nothing is extracted inside the transaction: the check
    for duplicates and the insert are all it does."""
    require_ingester(actor)
    check_substance(source)
    prepared = source if isinstance(source, Prepared) else prepare(source)
    _one_ingest_at_a_time(s)
    same = s.scalars(select(Document).where(Document.sha256 == prepared.digest)).one_or_none()
    if same is not None:
        return Ingested(same, "exists", 1.0)
    original, similarity = _near_duplicate_of(s, prepared.raw)
    doc = _new_document(prepared, original)
    s.add(doc)
    audit.created(s, actor, [doc])
    s.add_all(_span(doc.id, draft) for draft in prepared.spans)
    return Ingested(doc, "near_duplicate" if original else "new", similarity)


def _one_ingest_at_a_time(s: Session) -> None:
    """The duplicate check and the insert it guards must not interleave with another
    file's: the same file uploaded twice at once is stored once, and a near-duplicate
    points at its original. PostgreSQL locks the table against other writers (reads
    go on); SQLite takes its one write lock with a write that changes nothing."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("LOCK TABLE documents IN SHARE ROW EXCLUSIVE MODE"))
        return
    nothing = update(Document).where(false()).values(version=Document.version)
    s.execute(nothing.execution_options(synchronize_session=False))


def check_substance(source: SourceText | Prepared) -> None:
    """Refuse an empty or near-empty document, saying how much text it has."""
    chars = sum(1 for ch in source.raw if ch.isalnum())
    if chars == 0:
        raise InputError(f"文件「{source.name}」没有文字内容（可能只有空白或编码标记），未导入")
    if chars < MIN_TEXT_CHARS:
        raise InputError(
            f"文件「{source.name}」只有 {chars} 个字，内容太少，不能作为台账的来源"
            f"（至少 {MIN_TEXT_CHARS} 个字），未导入"
        )


def require_ingester(actor: User) -> None:
    """Refuse anyone who may not add documents (the web asks before reading an upload)."""
    require_manager(actor, "导入文件")


def _near_duplicate_of(s: Session, raw: str) -> tuple[Document | None, float | None]:
    """The stored original this text repeats (Jaccard ≥ 0.9), and how similar it is."""
    key, length = dedup.text_key(raw), len(dedup.normalized(raw))
    lo, hi = dedup.length_window(length)
    candidates = s.scalars(
        select(Document)
        .where(Document.text_length.between(lo, hi) | (Document.text_key == key))
        .order_by(Document.id)
    ).all()
    mine = dedup.shingles(raw)
    for cand in candidates:
        score = 1.0 if cand.text_key == key else dedup.jaccard(mine, dedup.shingles(cand.raw))
        if score >= dedup.NEAR_DUPLICATE:
            original = s.get(Document, cand.duplicate_of_id) if cand.duplicate_of_id else cand
            return original, score
    return None, None


def _new_document(p: Prepared, original: Document | None) -> Document:
    normalized = dedup.normalized(p.raw)
    return Document(
        name=fit(Document.name, p.name),
        title=fit(Document.title, p.title),
        issuer=fit(Document.issuer, p.issuer),
        level=p.level,
        type=p.genre,
        date=date.fromisoformat(p.date) if p.date else None,
        raw=p.raw,
        size=len(p.raw),
        sha256=p.digest,
        text_key=dedup.sha256(normalized),
        text_length=len(normalized),
        duplicate_of_id=original.id if original else None,
        created_at=now(),
        tables=p.tables,
    )


def _spans(x: Extraction) -> list[SpanDraft]:
    assert x.outline is not None
    out = [_draft("heading", heading_record(x, node)) for node in x.outline.nodes]
    out += [_draft("quantity", quantity_record(x, q)) for q in x.quantities]
    return out


def _draft(kind: str, rec: dict[str, Any]) -> SpanDraft:
    attrs = {k: v for k, v in rec.items() if k not in ("doc", "start", "end", "text")}
    return SpanDraft(kind, rec["start"], rec["end"], rec["text"], attrs)


def _span(document_id: int, d: SpanDraft) -> DocumentSpan:
    return DocumentSpan(
        document_id=document_id, kind=d.kind, start=d.start, end=d.end, text=d.text, attrs=d.attrs
    )


def infer_title(raw: str, year: int | None) -> str:
    """A heading-like line near the top naming the document's kind (政府工作报告,
    实施方案, 新闻发布会…), else the first short line that is not a salutation."""
    lines = [ln.strip("\ufeff \t") for ln in raw.splitlines()[:40]]
    lines = [ln for ln in lines if ln]
    top = [ln for ln in lines[:10] if 4 <= len(ln) <= 80]
    title = next((ln for ln in top if _TITLE_LINE.search(ln) and not _CLAUSE.search(ln)), None)
    if title is None:
        title = next(
            (ln for ln in top if not ln.endswith((":", "：")) and not ln.startswith("各位")), ""
        )
    title = title or (lines[0][:60] if lines else "")
    if title == "政府工作报告":
        place = (infer_issuer(raw) or "").removesuffix("人民政府")
        title = place + (f"{year}年" if year else "") + title
    return title or "（无标题）"


def infer_issuer(raw: str) -> str | None:
    """The government named as speaker or issuer near the top (天津市人民政府)."""
    for m in _PLACE.finditer(raw[:3000]):
        if not _NOT_PLACE.search(m[1]):
            return f"{m[1]}人民政府"
    return None


def get_document(s: Session, document_id: int) -> Document:
    doc = s.get(Document, document_id)
    if doc is None:
        raise NotFound(f"文件 {document_id} 不存在（用 luoshi documents list 查看）")
    return doc


def list_documents(s: Session, archived: bool | None = None) -> Sequence[Document]:
    """Documents by id; ``archived`` False or True keeps only those not (or) archived."""
    q = select(Document).order_by(Document.id)
    if archived is not None:
        q = q.where(Document.archived.is_(archived))
    return s.scalars(q).all()


def set_archived(s: Session, actor: User, doc: Document, archived: bool) -> bool:
    """归档/取消归档: an archived document stays, with its plans, off the list."""
    require_manager(actor, "归档文件" if archived else "取消归档文件")
    action = "archive" if archived else "unarchive"
    return locking.update(s, actor, doc, f"文件 {doc.id}", None, {"archived": archived}, action)


def dependants(s: Session, doc: Document) -> list[str]:
    """What refers to ``doc`` (plans, tasks, near-duplicates), as a clerk would name it."""
    out = [
        f"计划 {name}"
        for name in s.scalars(
            select(Plan.name)
            .where(or_(Plan.document_id == doc.id, Plan.id.in_(_plans_citing(doc.id))))
            .order_by(Plan.id)
        )
    ]
    copies = s.scalar(
        select(func.count()).select_from(Document).where(Document.duplicate_of_id == doc.id)
    )
    if copies:
        out.append(f"{copies} 个近似重复的文件")
    checks = s.scalar(
        select(func.count()).select_from(TargetCheck).where(TargetCheck.document_id == doc.id)
    )
    if checks:
        out.append(f"{checks} 次目标核对")
    return out


def _plans_citing(document_id: int) -> Any:
    return select(Task.plan_id).where(Task.document_id == document_id).distinct()


def delete_document(s: Session, actor: User, doc: Document) -> None:
    """删除文件: only one nothing refers to; the audit trail keeps its record."""
    require_manager(actor, "删除文件")
    using = dependants(s, doc)
    if using:
        raise Conflict(
            f"文件 {doc.id}《{doc.title}》被{'、'.join(using)}引用，不能删除；可以改为归档"
        )
    audit.record(s, actor, doc, "delete", audit.snapshot(doc), None)
    s.execute(delete(DocumentSpan).where(DocumentSpan.document_id == doc.id))
    s.delete(doc)
    s.flush()


def spans_of(s: Session, document_id: int, kind: str | None = None) -> Sequence[DocumentSpan]:
    q = select(DocumentSpan).where(DocumentSpan.document_id == document_id)
    if kind is not None:
        q = q.where(DocumentSpan.kind == kind)
    return s.scalars(q.order_by(DocumentSpan.start, DocumentSpan.id)).all()


def edit_document(
    s: Session, actor: User, document_id: int, seen: int | None, changes: dict[str, str]
) -> Document:
    """Correct what inference got wrong: title, issuer, level, type, date."""
    require_manager(actor, "修改文件信息")
    doc = get_document(s, document_id)
    values = {field: _document_value(field, text) for field, text in changes.items()}
    locking.update(s, actor, doc, f"文件 {document_id}", seen, values)
    return doc


def _document_value(field: str, text: str) -> Any:
    text = text.strip()
    if field == "title" and not text:
        raise InputError("标题不能为空")
    if field == "level" and text not in LEVELS:
        raise InputError(f"层级「{text}」无效，可选：{'、'.join(LEVELS)}")
    if field == "type" and text not in GENRE_LABELS:
        choices = "、".join(f"{k}（{v}）" for k, v in GENRE_LABELS.items())
        raise InputError(f"类型「{text}」无效，可选：{choices}")
    if field == "date":
        try:
            return parse_date(text)
        except ValueError:
            raise InputError(f"日期「{text}」不是有效日期") from None
    if field not in ("title", "issuer", "level", "type"):
        raise InputError(f"文件没有可修改的字段「{field}」")
    if field in _LABELS:
        limits.check(getattr(Document, field), text, _LABELS[field])
    return text or None
