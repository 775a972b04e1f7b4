"""Time reading a ~200-page PDF (load_document) and extracting from it.

usage: python benchmarks/bench_pdf.py [--pages 200] [--rounds 3] [--keep DIR]

The PDF is generated first, from text of our own (report-style paragraphs
with headings and figures, a fixed random seed), by the same builder the tests
use: 16 pt Song, indented first lines, justified, running header and page
numbers. Only reading and extraction are timed, best of ``--rounds``.
Goal (formats issue): a 200-page PDF is read in under 10 s.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.fixtures: the PDF builder the tests use

from tests.fixtures.documents import build_pdf  # noqa: E402

from luoshi.extract.pipeline import extract  # noqa: E402
from luoshi.text.sources import load_document  # noqa: E402

GOAL_SECONDS = 10.0
CN = "一二三四五六七八九十"
TOPICS = ["先进制造业", "数字经济", "城市更新", "乡村振兴", "教育事业", "养老服务", "生态环境"]
SENTENCES = [
    "全年新建学校{n}所，新增学位{m}个。",
    "城镇新增就业{n}万人，城镇调查失业率控制在5.5%以内。",
    "地区生产总值增长{p}%左右，一般公共预算收入增长{q}%。",
    "改造老旧小区{n}个，加装电梯{m}部，完成燃气管道更新改造{n}公里。",
    "推动{t}提质增效，培育重点企业{n}家，完成固定资产投资{m}亿元。",
    "坚持问题导向和目标导向，统筹推进{t}各项工作，确保各项任务按期完成。",
    "建立健全工作机制，明确责任单位和完成时限，定期调度{t}进展情况。",
]


def report(pages: int, seed: int = 7) -> list[str]:
    """Enough paragraphs of generated report text for about ``pages`` pages."""
    rng = random.Random(seed)
    paras = ["青禾区国民经济和社会发展计划执行情况的报告"]
    chars = 0
    part = 0
    while chars < pages * 615:
        if len(paras) % 12 == 1:
            paras.append(f"{CN[part % 10]}、着力推进{rng.choice(TOPICS)}高质量发展")
            part += 1
        body = "".join(_sentence(rng) for _ in range(rng.randint(2, 7)))
        paras.append(body)
        chars += len(body)
    return paras


def _sentence(rng: random.Random) -> str:
    return rng.choice(SENTENCES).format(
        n=rng.randint(2, 90),
        m=rng.randint(100, 9000),
        p=rng.choice(["4.5", "5", "5.5", "6"]),
        q=rng.randint(3, 8),
        t=rng.choice(TOPICS),
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pages", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--keep", help="write the PDF into this directory and leave it there")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep or tmp) / "bench_200_pages.pdf"
        paras = report(args.pages)
        t0 = time.perf_counter()
        layout = build_pdf(paras, path)
        built = time.perf_counter() - t0
        print(
            f"generated {layout.pages} pages, {path.stat().st_size / 1e6:.1f} MB in {built:.1f} s"
        )
        read, total, doc_paras, found = min(_timed(path) for _ in range(args.rounds))
    print(f"paragraphs read back: {doc_paras} of {len(paras)}; quantities: {found}")
    print(f"load_document:           {read:6.2f} s  ({layout.pages / read:6.0f} pages/s)")
    print(f"load_document + extract: {total:6.2f} s  ({layout.pages / total:6.0f} pages/s)")
    ok = total < GOAL_SECONDS and doc_paras == len(paras)
    print(f"goal: {layout.pages} pages read and extracted in < {GOAL_SECONDS:.0f} s")
    print("goal met" if ok else "GOAL NOT MET")
    return 0


def _timed(path: Path) -> tuple[float, float, int, int]:
    t0 = time.perf_counter()
    doc = load_document(path)
    t1 = time.perf_counter()
    x = extract(doc)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t0, len(doc.raw.splitlines()), len(x.quantities)


if __name__ == "__main__":
    sys.exit(main())
