"""First start: build the figure store and the search index when they are missing."""

from __future__ import annotations

import sys
from collections.abc import Callable

from core.errors import StateMissingError
from core.settings import Settings


def missing_state(settings: Settings) -> list[str]:
    """What of the state (figure store, BM25, Chroma) is not there yet."""
    missing = []
    if not settings.store_path.exists():
        missing.append(f"数字库 {settings.store_path}")
    if not settings.bm25_path.exists():
        missing.append(f"关键词索引 {settings.bm25_path}")
    if settings.chroma_mode == "embedded" and not settings.chroma_path.exists():
        missing.append(f"向量索引 {settings.chroma_path}")
    return missing


def ensure_index(settings: Settings, say: Callable[[str], None] | None = None) -> bool:
    """Ingest ``settings.data_paths`` into ``settings.state_dir`` if anything is missing.
    Progress bars go to the terminal. Returns True when it built something."""
    say = say or (lambda msg: print(msg, file=sys.stderr, flush=True))
    missing = missing_state(settings)
    if not missing:
        return False
    if not settings.build_on_start:
        # a replica: the state is built once and shipped (docs/deploy.md); building here would
        # rewrite the collection every replica shares from this machine's data
        raise StateMissingError(str(settings.state_dir), "缺少" + "、".join(missing) + "（BUDGETQA_BUILD_ON_START=false：不在启动时重建）")
    from ingest.pipeline import ingest

    say("首次启动：缺少" + "、".join(missing) + "。")
    say("正在从 " + "、".join(str(p) for p in settings.data_paths) + " 建立数字库和检索索引（约一分钟）…")
    result = ingest(list(settings.data_paths), settings, build_index=True, progress=True)
    for p in result.parsed:
        d = p.document
        say(
            f"  已收录《{d.department} {d.year}年{d.kind}》：{len(d.tables)} 张表，{len(p.figures)} 个数字；"
            f"审核通过 {p.audit.passed}，未通过 {p.audit.failed}"
        )
    if result.index_stats is not None:
        say(f"  {result.index_stats}")
    return True
