"""Score extraction against ../shared/eval/gold with the shared scorers; gate on the bars.

usage: python benchmarks/eval_gold.py [--shared ../shared] [--no-gate]

Runs ``luoshi extract`` and ``luoshi outline`` over the gold documents exactly as
a user would (a subprocess, JSONL on stdout), then the shared scorers. Exits 1
when any bar from the extraction issue is missed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

BARS = {
    "f1": 0.95,
    "target_f1": 0.93,
    "indicator_acc": 0.90,
    "kind_acc": 0.90,
    "comparator_acc": 0.90,
    "measure_acc": 0.90,
}
HEADINGS_F1 = 0.90
# The promise check (issue 11): target recall, actual and verdict accuracy.
PROMISE_BARS = {"--min-recall": 0.90, "--min-actual": 0.90, "--min-verdict": 0.90}


def run(cmd: list[str], out: Path | None = None) -> str:
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd[:3])}… failed:\n{result.stderr}")
    if out is not None:
        out.write_text(result.stdout, encoding="utf-8")
    return result.stdout


def promise_gate(shared: Path, luoshi: list[str]) -> list[str]:
    """Run ``luoshi promises`` on every gold year pair and score it; the bars missed."""
    gold = sorted((shared / "eval" / "gold" / "promises").glob("*.jsonl"))
    failed: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for g in gold:
            first = json.loads(g.read_text(encoding="utf-8").splitlines()[0])
            old, new = (str(shared / "corpus" / first[k]) for k in ("old", "new"))
            pred = Path(tmp) / f"{g.stem}.jsonl"
            run([*luoshi, "promises", old, new, "--jsonl"], pred)
            bars = [str(a) for kv in PROMISE_BARS.items() for a in kv]
            score = [sys.executable, str(shared / "eval" / "score_promises.py"), str(pred), str(g)]
            result = subprocess.run([*score, *bars], capture_output=True, text=True, check=False)
            print(result.stdout, end="")
            if result.returncode != 0:
                failed.append(f"promises {g.stem}: {result.stdout.strip().splitlines()[-1]}")
    return failed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--no-gate", action="store_true", help="report only, never fail")
    args = ap.parse_args()
    shared = Path(args.shared)
    gold_dir = shared / "eval" / "gold"
    if not gold_dir.is_dir():
        print(f"skipped: {gold_dir} not found")
        return 0
    quantity_gold = sorted(p for p in gold_dir.glob("*.jsonl") if ".headings." not in p.name)
    heading_gold = sorted(gold_dir.glob("*.headings.jsonl"))
    docs = [str(shared / "corpus" / p.name.replace(".jsonl", ".txt")) for p in quantity_gold]
    luoshi = [sys.executable, "-m", "luoshi"]
    failed: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        q, h = Path(tmp) / "q.jsonl", Path(tmp) / "h.jsonl"
        run([*luoshi, "extract", *docs, "--jsonl"], q)
        run([*luoshi, "outline", *docs, "--jsonl"], h)
        score = [sys.executable, str(shared / "eval" / "score.py"), str(q)]
        print(run([*score, *map(str, quantity_gold)]), end="")
        total = json.loads(run([*score, *map(str, quantity_gold), "--json"]))["total"]
        failed += [f"{k} {total[k]:.3f} < {bar}" for k, bar in BARS.items() if total[k] < bar]
        hscore = [sys.executable, str(shared / "eval" / "score_headings.py"), str(h)]
        print(run([*hscore, *map(str, heading_gold)]), end="")
        htotal = json.loads(run([*hscore, *map(str, heading_gold), "--json"]))["total"]
        if htotal["f1"] < HEADINGS_F1:
            failed.append(f"headings F1 {htotal['f1']:.3f} < {HEADINGS_F1}")
    failed += promise_gate(shared, luoshi)
    if failed:
        print("BELOW THE BARS: " + "; ".join(failed))
        return 0 if args.no_gate else 1
    print("all extraction bars met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
