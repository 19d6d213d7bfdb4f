"""The project's exceptions. Messages name the bad value and the fix; edges turn them into
CLI messages or ``gr.Error`` (never a stack trace for a user)."""

from __future__ import annotations


class BudgetQAError(Exception):
    """Base class: every message says what is wrong and what to do."""


class NotADisclosureError(BudgetQAError):
    """A file that is not a budget disclosure, or one we cannot read."""

    def __init__(
        self, path: str, reason: str, line: int | None = None, sheet: str | None = None, page: int | None = None
    ) -> None:
        where = path
        if sheet is not None:
            where += f"（工作表“{sheet}”）"
        if page is not None:
            where += f"（第{page}页）"
        if line:
            where += f":{line}"
        super().__init__(
            f"{where}: 无法作为部门预算/决算公开文件读取：{reason}。"
            "支持 .txt（UTF-8/GBK）、.xlsx、.xls、.pdf（有文字层）、.html、.docx，"
            "文件中应有标准表格（如“部门收支预算总表”“收入支出决算总表”）。"
        )
        self.path, self.line, self.reason, self.sheet, self.page = path, line, reason, sheet, page


class StateMissingError(BudgetQAError):
    """The state directory (figure store, Chroma, BM25) is missing or unreadable."""

    def __init__(self, state_dir: str, what: str) -> None:
        super().__init__(
            f"索引状态目录 {state_dir} 中{what}。请运行 `python -m ingest` 重建索引（默认读取 data/）。"
        )
        self.state_dir = state_dir


class ConfigError(BudgetQAError):
    """A setting has a value we cannot use."""


class UnknownDocumentError(BudgetQAError):
    """A document id the figure store does not hold."""

    def __init__(self, doc_id: str, known: tuple[str, ...]) -> None:
        listed = "、".join(known) if known else "（没有任何文档）"
        super().__init__(
            f"数字库中没有编号为 {doc_id!r} 的文档。现有文档：{listed}。"
            "编号是文件名去掉扩展名，可用 `python -m ingest list` 查看。"
        )
        self.doc_id, self.known = doc_id, known


class StateBusyError(BudgetQAError):
    """Another ``python -m ingest add`` / ``remove`` is updating the same state directory."""

    def __init__(self, state_dir: str) -> None:
        super().__init__(
            f"索引状态目录 {state_dir} 正由另一个 `python -m ingest add/remove` 更新。请等它结束后再运行。"
        )
        self.state_dir = state_dir


class ServiceUnavailableError(BudgetQAError):
    """A service the app talks to (the Chroma server) refused the connection or did not answer
    in time. Retrieval goes on with keyword search meanwhile."""

    def __init__(self, service: str, where: str, detail: str, seconds: float) -> None:
        super().__init__(
            f"{service}（{where}）无法连接，或没有在 {seconds:g} 秒内响应（{detail}）。"
            "请确认服务在运行（`chroma run --path DIR --host HOST --port PORT`），"
            "或设置 BUDGETQA_CHROMA_MODE=embedded 使用内置向量库；在此期间只用关键词检索。"
        )
        self.service, self.where = service, where
