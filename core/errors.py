"""The project's exceptions. Messages name the bad value and the fix; edges turn them into
CLI messages or ``gr.Error`` (never a stack trace for a user)."""

from __future__ import annotations


class BudgetQAError(Exception):
    """Base class: every message says what is wrong and what to do."""


class NotADisclosureError(BudgetQAError):
    """A file that is not a budget disclosure, or one we cannot read."""

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line else path
        super().__init__(
            f"{where}: 无法作为部门预算/决算公开文件读取：{reason}。"
            "请确认文件是 UTF-8 文本、包含“目录”和标准表格（如“部门收支预算总表”）。"
        )
        self.path, self.line, self.reason = path, line, reason


class StateMissingError(BudgetQAError):
    """The state directory (figure store, Chroma, BM25) is missing or unreadable."""

    def __init__(self, state_dir: str, what: str) -> None:
        super().__init__(
            f"索引状态目录 {state_dir} 中{what}。请运行 `python -m ingest` 重建索引（默认读取 data/）。"
        )
        self.state_dir = state_dir


class ConfigError(BudgetQAError):
    """A setting has a value we cannot use."""
