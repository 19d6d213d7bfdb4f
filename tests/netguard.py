"""A socket guard for tests: a connection, or a name lookup, for any host outside the loopback
range raises ``OSError`` and is recorded. ``python -m tests.netguard STATE [--index]`` installs
it in a fresh interpreter, imports every module of the project, then runs the default
configuration end to end — ingest the default data into STATE (with the real embedding model
when ``--index``), answer figure and narrative questions, fact-check a claim, build the web app —
and prints the attempts it blocked as JSON (tests/test_no_network.py). Only Python's sockets are
guarded; ``unshare -n`` (no network at all) covers native code."""

from __future__ import annotations

import importlib
import ipaddress
import json
import socket
import sys
from pathlib import Path

ATTEMPTS: list[str] = []
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
PACKAGES = ("core", "ingest", "index", "qa", "eval", "web")


def is_local(host: object) -> bool:
    if host is None:
        return True
    name = (host.decode() if isinstance(host, bytes) else str(host)).strip("[]").split("%")[0]
    if name in _LOCAL_NAMES or name == "":
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def install() -> None:
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo, real_gethostbyname = socket.getaddrinfo, socket.gethostbyname

    def refuse(what: str) -> OSError:
        ATTEMPTS.append(what)
        return OSError(f"network access blocked by tests/netguard.py: {what}")

    def check(sock: socket.socket, address) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_local(address[0]):
            raise refuse(f"connect {address!r}")

    def connect(self, address):
        check(self, address)
        return real_connect(self, address)

    def connect_ex(self, address):
        check(self, address)
        return real_connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        if not is_local(host):
            raise refuse(f"getaddrinfo {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    def gethostbyname(host):
        if not is_local(host):
            raise refuse(f"gethostbyname {host!r}")
        return real_gethostbyname(host)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo
    socket.gethostbyname = gethostbyname


def project_modules(repo: Path) -> list[str]:
    names = ["app"]
    for package in PACKAGES:
        for path in sorted((repo / package).rglob("*.py")):
            parts = path.relative_to(repo).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def main(argv: list[str]) -> int:
    install()
    repo = Path(__file__).resolve().parent.parent
    imported = []
    for name in project_modules(repo):
        if name.endswith("__main__"):
            continue  # the CLIs run their main when imported
        importlib.import_module(name)
        imported.append(name)
    state, with_index = Path(argv[0]), "--index" in argv
    from core.settings import Settings
    from ingest.pipeline import ingest
    from qa.check import check
    from qa.engine import AnswerEngine

    settings = Settings(state_dir=state)  # the default configuration, but where the state lives
    ingest(list(settings.data_paths), settings, build_index=with_index, progress=False)
    engine = AnswerEngine.from_settings(settings, with_retriever=with_index)
    answers = [engine.answer("2024年三公经费是多少？").status, check("三公经费预算10.1万元", engine).verdict]
    if with_index:
        answers.append(engine.answer("行政运行经费增长的原因是什么？").status)
    import app

    app.build_demo(engine, settings)
    print(json.dumps({"attempts": ATTEMPTS, "imported": imported, "answers": answers}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
