"""``python tests/web/feedback_writer.py PATH``: append feedback records to PATH as fast as it
can, forever — a process for tests/web/test_feedback_log.py to kill in the middle of a write."""

from __future__ import annotations

import sys
from pathlib import Path

from web.feedback import append

if __name__ == "__main__":
    path = Path(sys.argv[1])
    n = 0
    while True:
        n += 1
        append(path, {"n": n, "question": "三公经费是多少？" * 20, "answer": "101,000.00元" * 50, "liked": True})
