"""``python -m eval bench --docs N [N ...] [--server] [--embedded] [--json]`` — many disclosures.

For each N (default 1, 10, 100) and each Chroma mode (embedded by default; ``--server`` against
a Chroma server started here on 127.0.0.1; both flags for both), N synthetic disclosures
(``eval.synth``) are ingested with the real index into a fresh folder, then answered. Measured:
ingest time (model load excluded, reported beside), index size on disk (figure store + BM25 +
vectors, the server's data folder in server mode), answer latency p50/p95 over a fixed question
mix about the generated departments (figure, computed, narrative, follow-up; warm), and peak
resident memory. Each step runs in a fresh process (``eval.bench_run``), so each peak is its own.

Targets on a 2-core machine: answer p50 at N = 100 at most 2x that at N = 1; ingest of 100
documents under 10 minutes; memory under 1 GB. Recorded in docs/benchmarks.md, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from core.settings import REPO_ROOT
from eval.synth import MAX_DOCS

DEFAULT_DOCS = (1, 10, 100)
FIELDS = ("docs", "mode", "ingest_s", "index_mb", "answer_p50_ms", "answer_p95_ms", "rss_mb")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m eval bench", description=__doc__.splitlines()[0])
    p.add_argument("--docs", type=int, nargs="+", default=list(DEFAULT_DOCS), metavar="N",
                   help=f"corpus sizes to measure (1..{MAX_DOCS}; default: 1 10 100)")  # fmt: skip
    p.add_argument("--server", action="store_true", help="against a Chroma server started on 127.0.0.1")
    p.add_argument("--embedded", action="store_true", help="embedded Chroma (the default; with --server: both)")
    p.add_argument("--json", action="store_true", help='print {"machine": …, "runs": […]} on stdout')
    p.add_argument("--work", type=Path, help="keep every run's documents and state here (default: a temporary folder)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    bad = [n for n in args.docs if not 1 <= n <= MAX_DOCS]
    if bad:
        print(f"python -m eval bench: --docs must be in 1..{MAX_DOCS}. Currently, --docs has {bad}.", file=sys.stderr)
        return 2
    modes = [m for m, on in (("embedded", args.embedded or not args.server), ("server", args.server)) if on]
    started = machine()
    with _workdir(args.work) as work:
        runs = [run(n, mode, work / f"{mode}-{n}") for mode in modes for n in args.docs]
    result = {"machine": {**started, "load_average_after": _load()}, "runs": runs}
    print(json.dumps(result, ensure_ascii=False) if args.json else table(result))
    return 0


def run(n: int, mode: str, work: Path) -> dict[str, Any]:
    """Ingest then answer N documents in ``mode``, each step in its own process."""
    from index.server import chroma_server  # only a server run needs one

    work.mkdir(parents=True, exist_ok=True)
    load_before = _load()
    server = chroma_server(work / "chroma-server") if mode == "server" else nullcontext(None)
    with server as running:
        port = running.port if running is not None else None
        ingested = _step("ingest", n, mode, work, port)
        answered = _step("answer", n, mode, work, port)
        server_rss = _peak_rss_of(running.pid) if running is not None else None
    sizes = {
        "store_mb": _mb(work / "state" / "figures.sqlite3"),
        "bm25_mb": _mb(work / "state" / "bm25"),
        "vectors_mb": _mb(work / "chroma-server" if mode == "server" else work / "state" / "chroma"),
    }
    rss = max(ingested["ingest_rss_mb"], answered["answer_rss_mb"])
    return {
        "docs": n,
        "mode": mode,
        "ingest_s": ingested["ingest_s"],
        "index_mb": round(sum(sizes.values()), 1),
        "answer_p50_ms": answered["answer_p50_ms"],
        "answer_p95_ms": answered["answer_p95_ms"],
        "rss_mb": rss,  # the larger of the two steps' peaks (the server's own is beside it)
        **{k: v for k, v in ingested.items() if k not in ("docs", "ingest_s")},
        **sizes,
        **{k: v for k, v in answered.items() if k not in ("answer_p50_ms", "answer_p95_ms")},
        **({"server_rss_mb": server_rss} if server_rss is not None else {}),
        "load_average": [load_before, _load()],  # before and after this run
    }


def _step(step: str, n: int, mode: str, work: Path, port: int | None) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "eval.bench_run", step, "--docs", str(n), "--work", str(work), "--mode", mode]
    if port is not None:
        cmd += ["--port", str(port)]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "TOKENIZERS_PARALLELISM": "false"}
    done = subprocess.run(cmd, cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{step} of {n} documents ({mode}) failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine() -> dict[str, Any]:
    """What the numbers were measured on: they mean little without it."""
    import chromadb
    import torch

    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "memory_gb": _mem_total_gb(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "chromadb": chromadb.__version__,
        "load_average_before": _load(),
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }


def table(result: dict[str, Any]) -> str:
    """The runs as a markdown table (docs/benchmarks.md holds one)."""
    m = result["machine"]
    head = f"{m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; load {m['load_average_before']} → {m['load_average_after']}"
    lines = [head, "", "| " + " | ".join(FIELDS) + " | right |", "|" + "---|" * (len(FIELDS) + 1)]
    for r in result["runs"]:
        lines.append("| " + " | ".join(str(r[f]) for f in FIELDS) + f" | {r['answered_right']}/{r['questions']} |")
    return "\n".join(lines)


@contextmanager
def _workdir(keep: Path | None) -> Iterator[Path]:
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep
        return
    with tempfile.TemporaryDirectory(prefix="eval-bench-") as tmp:
        yield Path(tmp)


def _mb(path: Path) -> float:
    if path.is_file():
        return round(path.stat().st_size / 2**20, 1)
    total = sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else 0
    return round(total / 2**20, 1)


def _peak_rss_of(pid: int) -> float | None:
    """The peak resident memory of another process (Linux: VmHWM), None where not available."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _mem_total_gb() -> float | None:
    try:
        kb = next(int(x.split()[1]) for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal:"))
    except (OSError, StopIteration):
        return None
    return round(kb / 2**20, 1)


def _load() -> list[float]:
    """1, 5 and 15 minute load averages: other work on a shared machine slows every number."""
    return [round(x, 2) for x in os.getloadavg()]
