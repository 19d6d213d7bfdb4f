"""The feedback log (``settings.feedback_path``): JSON lines, append-only, crash-safe.

Each record is written with one ``write`` on a file opened ``O_APPEND`` and synced to disk: a
record is there whole or (after a crash in the middle of a write, or power loss) as a torn last
line. The next append first ends a torn line, so it stays a line of its own that readers skip,
and no record is ever glued to it. Nothing here opens the file for anything but appending and
reading: the log is never rewritten or truncated. Questions are recorded without personal data
(``core.privacy.redact``)."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

from core.privacy import redact

_LOCK = threading.Lock()  # one writer at a time in this process; O_APPEND orders the rest
REDACTED = ("question", "resolved_question", "answer", "reading")


def append(path: Path, record: dict[str, Any]) -> None:
    """Append ``record`` as one JSON line (personal data in its texts redacted)."""
    clean = {k: redact(v) if k in REDACTED and v is not None else v for k, v in record.items()}
    line = (json.dumps(clean, ensure_ascii=False) + "\n").encode("utf-8")
    with _LOCK:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                line = b"\n" + line  # a torn line a crash left: end it, keep it apart
            view = memoryview(line)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)


def records(path: Path) -> list[dict[str, Any]]:
    """Every whole record, oldest first; torn or foreign lines are skipped."""
    if not path.exists():
        return []
    out = []
    for line in path.read_bytes().decode("utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # a torn line from a crash: the rest of the log is still worth showing
        if isinstance(record, dict):
            out.append(record)
    return out
