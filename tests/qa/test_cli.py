"""`python -m qa` as CI, staff scripts and the eval use it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import REPO


def _run(args, settings, stdin=None, prefix=("--no-retriever",)):
    env = {**os.environ, "BUDGETQA_STATE_DIR": str(settings.state_dir)}
    return subprocess.run(
        [sys.executable, "-m", "qa", *prefix, *args],
        cwd=REPO, env=env, input=stdin, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_json_contract(qa_settings):
    out = _run(["--json", "--doc", "cq-yubei-kexie-2024-budget", "2024年三公经费是多少？"], qa_settings)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {"question", "answer", "status", "figures", "sources", "formula"} <= set(data)
    fig = data["figures"][0]
    assert fig["value"] == "101000.00" and fig["unit"] == "元"
    assert {"doc", "table", "row", "column", "line"} <= set(fig["source"])
    assert fig["source"]["table"] == 10 and fig["source"]["line"] == 353


def test_batch_from_stdin_one_object_per_line(qa_settings):
    stdin = "今年三公经费是多少？\n\n办公费是多少？\n2022年三公经费是多少？\n"
    out = _run(["--json", "--doc", "cq-yubei-kexie-2024-budget"], qa_settings, stdin)
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [x["status"] for x in lines] == ["answered", "clarify", "not_found"]


def test_plain_text_shows_answer_and_sources(qa_settings):
    out = _run(["--doc", "cq-yubei-kexie-2024-budget", "科普活动比去年少了多少钱？"], qa_settings)
    assert "1,360,000.00元" in out.stdout and "来源" in out.stdout and "表五" in out.stdout


def test_missing_state_gives_a_clear_message(tmp_path):
    env = {**os.environ, "BUDGETQA_STATE_DIR": str(tmp_path / "nothing")}
    out = subprocess.run(
        [sys.executable, "-m", "qa", "--no-retriever", "三公经费是多少"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 2 and "python -m ingest" in out.stderr and "Traceback" not in out.stderr


def _check(args, settings, stdin=None):
    return _run(args, settings, stdin, prefix=("check",))


def test_check_json_from_stdin_one_object_per_line(qa_settings):
    # seed: 三公经费 101,000元 (2024) and 111,000元 (2023); 公务用车运行维护费 80,000元 (79.2 % of it)
    stdin = "2024年三公经费预算10.1万元。\n\n公务用车运行维护费占三公经费的79.2%，三公经费比上年增加1万元\n2025年三公经费12万元\n"
    out = _check(["--json", "--doc", "cq-yubei-kexie-2024-budget"], qa_settings, stdin)
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [x["verdict"] for x in lines] == ["supported", "mixed", "not_in_disclosure"]
    first = lines[0]["claims"][0]
    assert first["expected"]["value"] == "101000.00" and first["sources"][0]["table"] == 10


def test_check_plain_text(qa_settings):
    out = _check(["--doc", "cq-yubei-kexie-2024-budget", "三公经费比上年增加1万元"], qa_settings)
    assert out.returncode == 0, out.stderr
    assert "与公开数不符" in out.stdout and "实际减少" in out.stdout and "来源：表十" in out.stdout


def test_the_benchmark_says_how_to_run_it_and_what_is_missing(tmp_path, monkeypatch, capsys):
    from qa import bench

    assert bench.main(["--help"]) == 0 and "python -m qa.bench" in capsys.readouterr().out
    assert bench.main(["--docs", "10"]) == 2  # it takes no options
    monkeypatch.setenv("BUDGETQA_STATE_DIR", str(tmp_path / "nothing"))
    assert bench.main([]) == 1
    err = capsys.readouterr().err
    assert "python -m ingest" in err and "Traceback" not in err
