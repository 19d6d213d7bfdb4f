"""A real app for the slow tests: ``python app.py`` in a subprocess on a free port, with a fresh
state dir (so it must build the index on first start), and the headless Chromium setup.

One app per test session, shared by tests/test_app.py and tests/web/ (it takes a minute or two
to build the index and load the model), stopped at the end of the session.
"""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
START_TIMEOUT_S = 600
# The shared app runs with the staff view on (/staff behind a login), as a deployment with staff
# credentials would; the public page must look the same with or without it.
STAFF_USER, STAFF_PASSWORD = "staff", "test-only-password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveApp:
    url: str
    state_dir: Path
    log_path: Path
    proc: subprocess.Popen

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def app_env(state_dir: Path, port: int, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "BUDGETQA_STATE_DIR": str(state_dir),
            # Gradio's own variables: the app must honour them.
            "GRADIO_SERVER_NAME": "127.0.0.1",
            "GRADIO_SERVER_PORT": str(port),
            "GRADIO_ANALYTICS_ENABLED": "False",
            "ANONYMIZED_TELEMETRY": "False",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "PYTHONUNBUFFERED": "1",
            "BUDGETQA_STREAM_DELAY_S": "0.05",
            "GRADIO_TEMP_DIR": str(state_dir.parent / "gradio-tmp"),  # tests write only under tmp
        }
    )
    env.pop("BUDGETQA_HOST", None)
    env.pop("BUDGETQA_PORT", None)
    env.update(extra)
    return env


def start_app(state_dir: Path, log_path: Path, timeout: float = START_TIMEOUT_S) -> LiveApp:
    port = free_port()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("w", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "app.py")],
        cwd=REPO,
        env=app_env(state_dir, port, BUDGETQA_STAFF_USER=STAFF_USER, BUDGETQA_STAFF_PASSWORD=STAFF_PASSWORD),
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    app = LiveApp(f"http://127.0.0.1:{port}/", state_dir, log_path, proc)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app.py exited with {proc.returncode}:\n{app.log()[-4000:]}")
        try:
            if httpx.get(app.url, timeout=5).status_code == 200:
                return app
        except httpx.HTTPError:
            pass
        time.sleep(1)
    app.stop()
    raise RuntimeError(f"app.py did not answer within {timeout:.0f}s:\n{app.log()[-4000:]}")


_shared: LiveApp | None = None


def shared_app(tmp_path_factory) -> LiveApp:
    """The session's app (started on first use, stopped at exit)."""
    global _shared
    if _shared is None or _shared.proc.poll() is not None:
        root = tmp_path_factory.mktemp("live-app")
        _shared = start_app(root / "state", root / "app.log")
        atexit.register(_shared.stop)
    return _shared


def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
