"""The log file (``<data folder>/logs/inspector.log``): rotated by size like the standard
library's ``logging.handlers.RotatingFileHandler`` (``FILE`` → ``FILE.1`` … ``FILE.<backups>``
when a record would take it to ``max_bytes``), without importing ``logging.handlers`` — which
imports ``socket``, ``pickle``, ``queue`` and ``selectors`` for handlers the app never uses
(~10 ms of the desktop app's start; ``benchmarks/README.md`` § bench_startup.py).
"""

from __future__ import annotations

import logging
from pathlib import Path

MAX_BYTES = 2_000_000
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RotatingLog(logging.FileHandler):
    """A file handler that rotates by size (the standard library's rule and file names)."""

    def __init__(self, path: Path, max_bytes: int = MAX_BYTES, backups: int = BACKUPS) -> None:
        super().__init__(path, mode="a", encoding="utf-8")
        self.max_bytes = max_bytes
        self.backups = backups
        self.setFormatter(logging.Formatter(FORMAT))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self._full(record):
                self._rotate()
            logging.FileHandler.emit(self, record)
        except Exception:
            self.handleError(record)

    def _full(self, record: logging.LogRecord) -> bool:
        if self.stream is None:
            self.stream = self._open()
        if self.max_bytes <= 0 or not Path(self.baseFilename).is_file():
            return False
        pos = self.stream.tell()
        return bool(pos) and pos + len(f"{self.format(record)}\n") >= self.max_bytes

    def _rotate(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None
        base = self.baseFilename
        for i in range(self.backups - 1, 0, -1):
            older = Path(f"{base}.{i}")
            if older.exists():
                older.replace(f"{base}.{i + 1}")
        if self.backups > 0 and Path(base).exists():
            Path(base).replace(f"{base}.1")
        self.stream = self._open()
