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
# Alignment (对接), issue 10: (child, parent, gold, bars); no bars = reported only.
ALIGN_PAIRS = (
    ("2026_shanghai_gzbg", "2026_guowuyuan_shiwuwu-gangyao", {"top1": 0.93}),
    ("003_58a983f91993ed71", "000_db370d4eb839b27f", {"top1": 0.80, "top3": 0.95}),
    ("004_23098c29dc51a7a7", "002_3dd29055e2e28c0a", {}),
)


def run(cmd: list[str], out: Path | None = None) -> str:
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd[:3])}… failed:\n{result.stderr}")
    if out is not None:
        out.write_text(result.stdout, encoding="utf-8")
    return result.stdout


def align_gate(shared: Path, luoshi: list[str], tmp: Path) -> list[str]:
    """Run ``luoshi align`` on the gold pairs, score each, and list the bars missed.

    The plain bigram TF-IDF baseline (``--baseline``) is scored beside it for comparison.
    """
    failed: list[str] = []
    gold_dir = shared / "eval" / "gold" / "align"
    scorer = [sys.executable, str(shared / "eval" / "score_align.py")]
    for child, parent, bars in ALIGN_PAIRS:
        gold = gold_dir / f"{child}.jsonl"
        if not gold.is_file():
            print(f"alignment {child}: skipped, {gold} not found")
            continue
        figures = {}
        for method, flags in (("luoshi", []), ("baseline", ["--baseline"])):
            pred = tmp / f"align-{method}-{child}.jsonl"
            files = [str(shared / "corpus" / f"{n}.txt") for n in (child, parent)]
            run([*luoshi, "align", *files, "--jsonl", *flags], pred)
            figures[method] = json.loads(run([*scorer, str(pred), str(gold), "--json"]))["total"]
        for method, t in figures.items():
            print(
                f"alignment {child[:24]:24s} → {parent[:24]:24s} {method:8s} "
                f"top1 {t['top1']:.3f} top3 {t['top3']:.3f} precision {t['precision']:.3f} "
                f"abstain {t['abstain']:.3f} (children {t['found']}/{t['children']})"
            )
        total = figures["luoshi"]
        failed += [
            f"align {child} {k} {total[k]:.3f} < {b}" for k, b in bars.items() if total[k] < b
        ]
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
        failed += align_gate(shared, luoshi, Path(tmp))
    if failed:
        print("BELOW THE BARS: " + "; ".join(failed))
        return 0 if args.no_gate else 1
    print("all extraction bars met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
