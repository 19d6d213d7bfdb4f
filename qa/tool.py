"""The deterministic lookup exposed as a llama-index ``FunctionTool`` (its docstring is its
description), so an agent can call it; the agent's own numbers are never trusted."""

from __future__ import annotations

import json

from llama_index.core.tools import FunctionTool

from qa.engine import AnswerEngine
from qa.serialize import answer_to_dict


def make_lookup_tool(engine: AnswerEngine) -> FunctionTool:
    def lookup_budget_figure(question: str) -> str:
        """查询部门预算公开文件中的确切数字及其出处。
        输入一个中文问题（如“渝北区科协2024年三公经费是多少？”“科普活动比去年少了多少钱？”）；
        收录多个部门的文件时，问题要写明部门，否则返回 clarify 和可选的文件（options）。
        返回 JSON：answer（核对过的中文答案）、status（answered/not_found/clarify/invalid）、
        results（数值与单位）、figures（每个数字的表、行、列、行号）、formula（计算过程）。
        数字全部来自公开文件或对其的计算，不要自行修改。"""
        return json.dumps(answer_to_dict(engine.answer(question)), ensure_ascii=False)

    return FunctionTool.from_defaults(fn=lookup_budget_figure)
