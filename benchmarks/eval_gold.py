"""Score extraction against ../shared/eval/gold with the shared scorers; gate on the bars.

usage: python benchmarks/eval_gold.py [--shared ../shared] [--no-gate]

Runs ``luoshi extract`` and ``luoshi outline`` over the gold documents exactly as
a user would (a subprocess, JSONL on stdout), then the shared scorers. Exits 1
when any bar from the extraction issues is missed.

Each bar is a gate: a function of the run that prints its scores and returns
the bars it missed. To add one, write a function ``gate_x(run: Run) -> list[str]``
and append it to ``GATES``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BARS = {
    "f1": 0.95,
    "target_f1": 0.93,
    "indicator_acc": 0.90,
    "kind_acc": 0.90,
    "comparator_acc": 0.90,
    "measure_acc": 0.90,
}
HEADINGS_F1 = 0.90
# The 15th Five-Year Plan outline: 篇/章/节 and a table of contents.
STRUCTURE_F1 = 0.97
STRUCTURE_LEVEL = 0.97
# The promise check (issue 11): target recall, actual and verdict accuracy.
PROMISE_BARS = {"--min-recall": 0.90, "--min-actual": 0.90, "--min-verdict": 0.90}

LUOSHI = [sys.executable, "-m", "luoshi"]


@dataclass
class Run:
    """The shared folder, a scratch folder, and the outputs computed so far (cached)."""

    shared: Path
    tmp: Path
    cache: dict[str, Path] = field(default_factory=dict)

    @property
    def gold(self) -> Path:
        return self.shared / "eval" / "gold"

    def doc(self, gold_file: Path) -> str:
        name = gold_file.name.split(".")[0] + ".txt"
        return str(self.shared / "corpus" / name)

    def output(self, command: str, docs: list[str]) -> Path:
        """JSONL of ``luoshi COMMAND DOCS --jsonl``, computed once per command and docs."""
        key = f"{command}:{'|'.join(docs)}"
        if key not in self.cache:
            out = self.tmp / f"{command}-{len(self.cache)}.jsonl"
            run([*LUOSHI, command, *docs, "--jsonl"], out)
            self.cache[key] = out
        return self.cache[key]

    def score(self, scorer: str, pred: Path, gold: list[Path]) -> dict[str, Any]:
        """Print the scorer's report and return its totals."""
        cmd = [sys.executable, str(self.shared / "eval" / scorer), str(pred), *map(str, gold)]
        print(run(cmd), end="")
        total: dict[str, Any] = json.loads(run([*cmd, "--json"]))["total"]
        return total


Gate = Callable[[Run], list[str]]


def run(cmd: list[str], out: Path | None = None) -> str:
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd[:3])}… failed:\n{result.stderr}")
    if out is not None:
        out.write_text(result.stdout, encoding="utf-8")
    return result.stdout


def _quantity_gold(r: Run) -> list[Path]:
    return sorted(p for p in r.gold.glob("*.jsonl") if ".headings." not in p.name)


def gate_quantities(r: Run) -> list[str]:
    """Detection, target, indicator, kind, comparator and measure on the seed documents."""
    gold = _quantity_gold(r)
    total = r.score("score.py", r.output("extract", [r.doc(p) for p in gold]), gold)
    return [f"{k} {total[k]:.3f} < {bar}" for k, bar in BARS.items() if total[k] < bar]


def gate_headings(r: Run) -> list[str]:
    """Headings of the seed documents."""
    docs = [r.doc(p) for p in _quantity_gold(r)]
    gold = sorted(r.gold.glob("*.headings.jsonl"))
    total = r.score("score_headings.py", r.output("outline", docs), gold)
    return [f"headings F1 {total['f1']:.3f} < {HEADINGS_F1}"] if total["f1"] < HEADINGS_F1 else []


def gate_structure(r: Run) -> list[str]:
    """篇/章/节 documents with a table of contents: F1 and level accuracy."""
    gold = sorted((r.gold / "structure").glob("*.headings.jsonl"))
    if not gold:
        return []
    total = r.score("score_headings.py", r.output("outline", [r.doc(p) for p in gold]), gold)
    failed = []
    if total["f1"] < STRUCTURE_F1:
        failed.append(f"structure headings F1 {total['f1']:.3f} < {STRUCTURE_F1}")
    if total["level_acc"] < STRUCTURE_LEVEL:
        failed.append(f"structure level {total['level_acc']:.3f} < {STRUCTURE_LEVEL}")
    return failed


def gate_promises(r: Run) -> list[str]:
    """``luoshi promises OLD NEW`` on every gold year pair, scored by score_promises.py."""
    failed: list[str] = []
    for g in sorted((r.gold / "promises").glob("*.jsonl")):
        first = json.loads(g.read_text(encoding="utf-8").splitlines()[0])
        old, new = (str(r.shared / "corpus" / first[k]) for k in ("old", "new"))
        pred = r.tmp / f"promises-{g.stem}.jsonl"
        run([*LUOSHI, "promises", old, new, "--jsonl"], pred)
        bars = [str(a) for kv in PROMISE_BARS.items() for a in kv]
        scorer = [sys.executable, str(r.shared / "eval" / "score_promises.py"), str(pred), str(g)]
        result = subprocess.run([*scorer, *bars], capture_output=True, text=True, check=False)
        print(result.stdout, end="")
        if result.returncode != 0:
            failed.append(f"promises {g.stem}: {result.stdout.strip().splitlines()[-1]}")
    return failed


GATES: list[Gate] = [gate_quantities, gate_headings, gate_structure, gate_promises]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--no-gate", action="store_true", help="report only, never fail")
    args = ap.parse_args()
    shared = Path(args.shared)
    if not (shared / "eval" / "gold").is_dir():
        print(f"skipped: {shared / 'eval' / 'gold'} not found")
        return 0
    failed: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        r = Run(shared, Path(tmp))
        for gate in GATES:
            failed += gate(r)
    if failed:
        print("BELOW THE BARS: " + "; ".join(failed))
        return 0 if args.no_gate else 1
    print("all extraction bars met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
