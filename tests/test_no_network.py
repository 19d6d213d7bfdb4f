"""No module opens a network connection at import or in the default configuration (issue #14):
a socket guard that refuses (and records) every connection and name lookup outside 127.0.0.0/8,
in a fresh interpreter with none of the offline variables set — the project's own defaults must
keep it offline. Then the CLI under ``unshare -n``, where there is no network at all (native code
included), answers as usual."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys

import pytest

from tests import netguard
from tests.conftest import REPO

OFFLINE_VARIABLES = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "ANONYMIZED_TELEMETRY", "GRADIO_ANALYTICS_ENABLED")


def _guarded(tmp_path, *args: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in OFFLINE_VARIABLES and not k.startswith("BUDGETQA_")}
    env["PYTHONPATH"] = str(REPO)
    out = subprocess.run(
        [sys.executable, "-m", "tests.netguard", str(tmp_path / "state"), *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_guard_refuses_what_is_not_loopback():
    assert netguard.is_local("127.0.0.1") and netguard.is_local("::1") and netguard.is_local("localhost")
    assert not netguard.is_local("8.8.8.8") and not netguard.is_local("10.0.0.1")
    assert not netguard.is_local("huggingface.co") and not netguard.is_local("192.168.1.1")


def test_the_guard_blocks_a_real_attempt(tmp_path):
    code = (
        "import socket, tests.netguard as g; g.install()\n"
        "try:\n    socket.create_connection(('example.com', 80), timeout=1)\nexcept OSError as e:\n    print('REFUSED', e)\n"
        "try:\n    socket.socket().connect(('10.255.255.1', 80))\nexcept OSError as e:\n    print('REFUSED', e)\n"
        "print(g.ATTEMPTS)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert out.stdout.count("REFUSED") == 2 and "example.com" in out.stdout and "10.255.255.1" in out.stdout


def test_no_network_at_import_or_in_the_default_configuration(tmp_path):
    """Every module imported; the default data ingested; a figure question answered, a claim
    checked, the web app built — without the model (the fast part)."""
    report = _guarded(tmp_path)
    assert report["attempts"] == []
    assert len(report["imported"]) >= 60 and "app" in report["imported"] and "qa.engine" in report["imported"]
    assert report["answers"] == ["answered", "supported"]


@pytest.mark.slow
def test_no_network_with_the_real_model_and_index(tmp_path):
    report = _guarded(tmp_path, "--index")
    assert report["attempts"] == []
    assert report["answers"] == ["answered", "supported", "answered"]


def _unshare_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _unshare_works(), reason="unshare -n is not permitted on this machine")
def test_a_question_under_unshare_without_any_network(tmp_path):
    env = {**os.environ, "BUDGETQA_STATE_DIR": str(tmp_path / "state")}
    probe = "import socket\ntry:\n    socket.create_connection(('1.1.1.1', 53), timeout=2)\nexcept OSError:\n    print('no network')"
    assert subprocess.run(["unshare", "-n", sys.executable, "-c", probe], capture_output=True, text=True).stdout.strip() == "no network"

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["unshare", "-n", sys.executable, "-m", *args], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=600)  # fmt: skip

    built = run("ingest", "--no-index", "--quiet")
    assert built.returncode == 0, built.stderr
    out = run("qa", "--no-retriever", "--json", "2024年三公经费是多少？")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["status"] == "answered" and "101,000.00元" in out.stdout


@pytest.mark.slow
@pytest.mark.skipif(not _unshare_works(), reason="unshare -n is not permitted on this machine")
def test_ingest_with_the_model_and_a_narrative_answer_under_unshare(tmp_path):
    env = {**os.environ, "BUDGETQA_STATE_DIR": str(tmp_path / "state")}
    for args in (["ingest", "--quiet"], ["qa", "--json", "行政运行经费增长的原因是什么？"]):
        out = subprocess.run(["unshare", "-n", sys.executable, "-m", *args], cwd=REPO, env=env,
                             capture_output=True, text=True, timeout=900)  # fmt: skip
        assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout)["status"] == "answered"


def test_loopback_is_still_allowed():
    """The guard leaves what the tests themselves need (servers on 127.0.0.1)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        assert netguard.is_local(server.getsockname()[0])
