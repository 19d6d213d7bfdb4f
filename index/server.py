"""A Chroma server of our own, for the benchmark and the tests: ``chroma run`` on 127.0.0.1.

In production the Chroma server is run by whoever runs the service (docs/deploy.md); here it is
a subprocess on a free local port with its data in a folder we choose, stopped whatever happens.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"


@dataclass(frozen=True)
class ChromaServer:
    host: str
    port: int
    pid: int
    path: Path  # the server's data folder
    log: Path
    process: subprocess.Popen  # to pause or kill it (the fault tests)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _alive(port: int) -> bool:
    """The server answers its heartbeat (plain HTTP: no chromadb import in the caller)."""
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}/api/v2/heartbeat", timeout=2) as reply:
            return reply.status == 200
    except (OSError, http.client.HTTPException):  # refused, reset or half-started: not yet
        return False


@contextmanager
def chroma_server(path: Path, port: int | None = None, start_timeout_s: float = 60.0) -> Iterator[ChromaServer]:
    """Start ``chroma run --path PATH`` on 127.0.0.1 (a free port unless given), wait until it
    answers, yield it, and stop it on the way out. Its output goes to ``PATH.log``."""
    port = port or free_port()
    path.mkdir(parents=True, exist_ok=True)
    log = path.with_name(path.name + ".log")
    binary = Path(sys.executable).parent / "chroma"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(binary), "run", "--path", str(path), "--host", HOST, "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + start_timeout_s
            while not _alive(port):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"chroma server did not start: {log.read_text(errors='replace')[-2000:]}")
                time.sleep(0.3)
            yield ChromaServer(HOST, port, proc.pid, path, log, proc)
        finally:
            stop(proc)


def stop(proc: subprocess.Popen, timeout_s: float = 15.0) -> None:
    """Terminate a child process, kill it if it has not ended within ``timeout_s``, reap it.
    A paused process (SIGSTOP) is resumed first: it could not act on the terminate."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGCONT)
    proc.terminate()
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
