"""The gate: the runner fails (non-zero, naming the metric) when the engine gets worse.

Fast: the figure store only (--no-index), no retriever, no baseline, a spread subset.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.settings import REPO_ROOT
from eval.__main__ import main
from eval.report import check_thresholds, load_thresholds
from tests.eval.broken_engine import add_one

FAST = ["--no-index", "--subset", "60", "--quiet", "--no-report", "--gate"]


@pytest.fixture
def lenient(tmp_path: Path) -> Path:
    """A gate the working engine clears on the subset: the broken one must still fail it."""
    path = tmp_path / "thresholds.toml"
    path.write_text(
        '[min]\naccuracy = 0.7\nnumeric_accuracy = 0.7\n"by_type.figure" = 0.7\n"retrieval.hybrid.hit@3" = 0.5\n'
        "[max]\nunverified_numbers = 0\n",
        encoding="utf-8",
    )
    return path


def test_working_engine_passes(tmp_path: Path, lenient: Path, capsys) -> None:
    rc = main([*FAST, "--state-dir", str(tmp_path / "state"), "--thresholds", str(lenient), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0, out["thresholds"]
    assert out["thresholds"]["passed"] and out["thresholds"]["enforced"]
    assert "retrieval.hybrid.hit@3" in out["thresholds"]["skipped"]  # not measured without the index


def test_broken_engine_fails_and_names_the_metric(tmp_path: Path, lenient: Path, capsys) -> None:
    rc = main(
        [*FAST, "--state-dir", str(tmp_path / "state"), "--thresholds", str(lenient)], engine_factory=add_one
    )
    captured = capsys.readouterr()
    assert rc == 1
    assert "below threshold" in captured.err
    for metric in ("numeric_accuracy", "by_type.figure", "accuracy"):
        assert metric in captured.err
    assert "unverified_numbers" not in captured.err  # its texts are untouched: only the values are off


def test_broken_engine_fails_the_checked_in_gate(tmp_path: Path, capsys) -> None:
    """The real thresholds.toml catches it too."""
    rc = main([*FAST, "--state-dir", str(tmp_path / "state")], engine_factory=add_one)
    assert rc == 1
    assert "numeric_accuracy" in capsys.readouterr().err


def test_cli_exit_status_with_a_broken_engine(tmp_path: Path, lenient: Path) -> None:
    """The same through `python -m eval --engine module:callable`, as a shell sees it."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    cmd = [
        sys.executable,
        "-m",
        "eval",
        *FAST,
        "--state-dir",
        str(tmp_path / "state"),
        "--thresholds",
        str(lenient),
    ]
    proc = subprocess.run(
        [*cmd, "--engine", "tests.eval.broken_engine:add_one"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "numeric_accuracy" in proc.stderr


def test_subset_runs_are_not_gated_unless_asked(tmp_path: Path, capsys) -> None:
    rc = main(
        ["--no-index", "--subset", "20", "--quiet", "--no-report", "--state-dir", str(tmp_path / "s")],
        engine_factory=add_one,
    )
    assert rc == 0
    assert "not enforced" in capsys.readouterr().out


def test_threshold_check_semantics() -> None:
    summary = {"accuracy": 0.9, "by_type": {"figure": 0.95}, "unverified_numbers": 2, "retrieval": "skipped"}
    gate = check_thresholds(
        summary,
        {
            "min": {"accuracy": 0.9, "by_type.figure": 0.96, "retrieval.hybrid.mrr": 0.5},
            "max": {"unverified_numbers": 0},
        },
    )
    assert not gate["passed"]
    assert gate["failed"] == ["by_type.figure 0.95 < 0.96 (minimum)", "unverified_numbers 2 > 0 (maximum)"]
    assert gate["skipped"] == ["retrieval.hybrid.mrr"]


def test_checked_in_thresholds_are_well_formed() -> None:
    t = load_thresholds()
    assert t["max"]["unverified_numbers"] == 0
    for name in ("dev", "blind"):  # both sets gated, confident wrong answers capped
        assert t["min"][f"{name}.accuracy"] > 0.5 and f"{name}.confident_wrong" in t["max"]
    for bound in (*t["min"].values(), *t["max"].values()):
        assert isinstance(bound, int | float)


def test_usage_errors_exit_2(tmp_path: Path, capsys) -> None:
    assert (
        main(["--no-index", "--quiet", "--no-report", "--doc", "no-such-doc", "--state-dir", str(tmp_path)])
        == 2
    )
    assert "no questions selected" in capsys.readouterr().err
