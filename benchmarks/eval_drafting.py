"""Drafted plans of the corpus, for judging by hand: review content and lead units.

usage: python benchmarks/eval_drafting.py [--shared ../shared] [--heads] [--suspects]

Per corpus document: the document's level, the number of leaf tasks, how many
leaves carry a word that often marks a report of results (了, 已, 累计, 取得,
以来 …: a broad net, wider than the drafting's own cues, so the suspects can be
judged by hand) and how many are due before the document's own year.
``--suspects`` lists those leaves; ``--heads`` lists the task headings of each
document with their first suggested lead unit and the terms that matched.
"""

from __future__ import annotations

import argparse
import re
from datetime import date
from pathlib import Path

from luoshi.extract.pipeline import extract
from luoshi.extract.tasks import draft
from luoshi.text.sources import load_document

SUSPECT = re.compile(
    r"(?<![为除])了(?!解)|已经|已[建完实达形开落投取出启覆全]|累计|比上年|同比|过去|以来|"
    r"取得|一年来|五年来|圆满|胜利"
)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--heads", action="store_true")
    ap.add_argument("--suspects", action="store_true")
    args = ap.parse_args()
    total = suspects = 0
    for path in sorted((Path(args.shared) / "corpus").glob("*.txt")):
        x = extract(load_document(path))
        d = draft(x)
        assert x.profile is not None
        parents = {t.parent for t in d.drafts}
        leaves = [t for t in d.drafts if t.code not in parents]
        ref = x.profile.reference_year
        early = [t for t in leaves if ref and t.deadline and t.deadline < date(ref, 1, 1)]
        flagged = [t for t in leaves if SUSPECT.search(t.title)]
        total, suspects = total + len(leaves), suspects + len(flagged)
        print(
            f"{path.name[:32]:<32} level {x.profile.level or '-':<2} leaves {len(leaves):>5} "
            f"suspects {len(flagged):>3} due-before-year {len(early)}"
        )
        for t in flagged if args.suspects else []:
            print(f"    ? {t.code} {t.title[:80]}")
        for t in (t for t in d.drafts if t.kind == "task") if args.heads else []:
            print(f"    {t.code} {t.title[:30]} → {t.lead_unit} ({t.unit_reason or ''})")
    print(f"all: {total} leaves, {suspects} suspects ({suspects / max(total, 1):.1%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
