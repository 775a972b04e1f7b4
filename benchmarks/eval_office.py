"""Task lists as offices write them: how much of a drafted plan a clerk can adopt as is.

usage: python benchmarks/eval_office.py [--seed 7] [--seeds 5]

Builds one fictional 24-task breakdown (tests/office_fixtures.py) in the three
formats offices use — a Word task table with merged category cells, running
text with annotations, an Excel ledger — reads each as ``luoshi plan build``
would, and prints per format the share of tasks with the exact lead unit,
co-units and deadline (bar ≥ 95%) and the share of leaf tasks that are junk
(bar ≤ 5%). ``--seeds`` repeats with other random units and deadlines.
Exits 1 when a bar is missed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import office_fixtures as of

from luoshi.extract.pipeline import extract
from luoshi.extract.tasks import draft
from luoshi.text.sources import load_document

EXACT_BAR = 0.95
JUNK_BAR = 0.05


def formats(tmp: Path, seed: int) -> dict[str, Path]:
    out = {
        "Word 任务表": tmp / f"table-{seed}.docx",
        "带标注正文": tmp / f"text-{seed}.txt",
        "Excel 台账": tmp / f"ledger-{seed}.xlsx",
    }
    out["Word 任务表"].write_bytes(of.word_table(seed))
    out["带标注正文"].write_text(of.annotated_text(seed), encoding="utf-8")
    out["Excel 台账"].write_bytes(of.excel_ledger(seed))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--seeds", type=int, default=1, help="how many seeds from --seed on")
    args = ap.parse_args()
    failed = False
    print(f"{'format':<12} {'tasks':>5} {'exact':>7} {'leaves':>6} {'junk':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(args.seed, args.seed + args.seeds):
            expected = of.items(seed)
            for name, path in formats(Path(tmp), seed).items():
                drafts = draft(extract(load_document(path))).drafts
                s = of.score(drafts, expected)
                failed |= s.exact_share < EXACT_BAR or s.junk_share > JUNK_BAR
                print(
                    f"{name:<12} {s.tasks:>5} {s.exact_share:>7.1%} {s.leaves:>6} "
                    f"{s.junk_share:>6.1%}  (seed {seed})"
                )
    print(f"bars: exact ≥ {EXACT_BAR:.0%}, junk ≤ {JUNK_BAR:.0%}: {'missed' if failed else 'met'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
