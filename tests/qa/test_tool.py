from __future__ import annotations

import json

from qa.tool import make_lookup_tool


def test_lookup_is_a_function_tool_described_by_its_docstring(engine):
    tool = make_lookup_tool(engine)
    assert tool.metadata.name == "lookup_budget_figure"
    assert "确切数字" in tool.metadata.description
    out = json.loads(str(tool.call(question="渝北区科协2024年三公经费是多少？")))
    assert out["status"] == "answered" and out["results"][0]["value"] == "101000.00"
    # several departments loaded and none named: the tool asks which one, it does not pick
    unnamed = json.loads(str(tool.call(question="2024年三公经费是多少？")))
    assert unnamed["status"] == "clarify" and any("妇" in o for o in unnamed["options"])
    assert out["figures"][0]["source"]["table"] == 10
