"""Start-up: build the figure store and the search index when they are missing; open the
engine, or — when the state cannot be opened (corrupted, half deleted, no data to build it
from) — start anyway with an engine that says so, politely to the public and with the command
to rebuild in the terminal. A retriever that fails to load in the background is reported in
the terminal too; figure questions are answered without it."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence

from core.errors import BudgetQAError, StateMissingError
from core.records import Answer
from core.settings import Settings

REBUILD = "python -m ingest"
UNAVAILABLE = (
    "抱歉，问答服务暂时不可用：数据索引缺失或已损坏，工作人员会尽快处理，请稍后再试。"
    f"（管理员：请运行 `{REBUILD}` 重建索引，然后重启服务。）"
)


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


class UnavailableEngine:
    """Stands in for the engine when the state cannot be opened: the app still starts, the page
    shows the notice, and every question gets the same polite answer (status ``not_found``)."""

    documents: Sequence = ()
    store = None

    def __init__(self, problem: str) -> None:
        self.problem = problem  # for the terminal and the staff; the public sees UNAVAILABLE

    def answer(self, question: str, history: Sequence[str] = (), doc_id: str | None = None) -> Answer:
        return Answer(question if isinstance(question, str) else "", UNAVAILABLE, "not_found")

    def document_named(self, text: str) -> None:  # the staff fact-check asks this first
        return None


def open_engine(settings: Settings, say: Callable[[str], None] | None = None):
    """The answer engine on ``settings.state_dir`` (built first when missing), or an
    ``UnavailableEngine`` naming what is wrong and the command that fixes it."""
    say = say or (lambda msg: print(msg, file=sys.stderr, flush=True))
    try:
        ensure_index(settings, say)
        say("正在加载问答引擎和检索模型…")
        from qa.engine import AnswerEngine

        engine = AnswerEngine.from_settings(settings)  # once per process
    except BudgetQAError as exc:
        say(f"错误：{exc}")
        say(f"问答服务仍会启动，但每个问题都只回答“暂时不可用”。请运行 `{REBUILD}` 重建索引后重启。")
        return UnavailableEngine(str(exc))
    watch_retriever(engine, say)
    return engine


def watch_retriever(engine, say: Callable[[str], None]) -> threading.Thread | None:
    """Say in the terminal when the retriever, loading in the background, cannot be opened
    (a corrupted keyword index or vector store): figure questions are still answered."""
    retriever = getattr(engine, "retriever", None)
    if retriever is None or not hasattr(retriever, "get"):
        return None

    def wait() -> None:
        try:
            retriever.get()
        except BudgetQAError as exc:  # reported, and raised again where a question needs it
            say(f"错误：检索索引无法加载：{exc}")
            say(f"数字类问题照常回答；需要原文检索的问题会回答“暂时无法回答”。请运行 `{REBUILD}` 重建索引后重启。")

    thread = threading.Thread(target=wait, name="retriever-watch", daemon=True)
    thread.start()
    return thread
