"""Benchmark the answer engine: ``python -m qa.bench`` (results are recorded, not asserted).

Measures cold start to first answer (a fresh process: imports, model load, first answer) and
warm per-answer latency p50/p95 over the eval questions, with the real retriever.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from core.errors import BudgetQAError
from core.settings import REPO_ROOT, Settings

_COLD = (
    "import time; t=time.perf_counter();"
    "from core.settings import Settings; from qa.engine import AnswerEngine;"
    "e=AnswerEngine.from_settings(Settings()); e.answer('2024年三公经费是多少？');"
    "a=time.perf_counter()-t; e.answer('科协的主要职能职责有哪些？');"
    "print(a, time.perf_counter()-t)"
)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args:  # it takes no options: say so instead of running a minutes-long benchmark
        print(__doc__.strip())
        print("\n用法：python -m qa.bench（无参数；先运行 python -m ingest 建好默认状态目录）")
        return 0 if args in (["-h"], ["--help"]) else 2
    settings = Settings()
    try:
        from ingest.store import FigureStore

        FigureStore(settings.store_path)  # the state must exist before the cold-start process
    except BudgetQAError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    questions = [
        json.loads(line)["question"]
        for line in (REPO_ROOT / "eval" / "questions.jsonl").open(encoding="utf-8")
    ]
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", _COLD], capture_output=True, text=True, cwd=REPO_ROOT, env=os.environ
    )
    cold_wall = time.perf_counter() - start
    cold_figure, cold_text = (
        map(float, out.stdout.strip().splitlines()[-1].split())
        if out.returncode == 0
        else (float("nan"),) * 2
    )
    from qa.engine import AnswerEngine

    engine = AnswerEngine.from_settings(settings)
    engine.answer(questions[0])  # warm-up
    if engine.retriever is not None:
        engine.retriever.get()  # warm means the model is loaded
    times = []
    for question in questions:
        t = time.perf_counter()
        engine.answer(question)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    result = {
        "questions": len(times),
        "cold_process_wall_s": round(cold_wall, 2),
        "cold_start_to_first_figure_answer_s": round(cold_figure, 2),
        "cold_start_to_first_narrative_answer_s": round(cold_text, 2),
        "warm_p50_ms": round(statistics.median(times), 1),
        "warm_p95_ms": round(p95, 1),
        "warm_max_ms": round(times[-1], 1),
        # peak resident memory of this process (engine, figure store, retriever and model loaded)
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "state_dir": str(Path(settings.state_dir)),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
