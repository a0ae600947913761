"""Byte-stream helpers shared by the CSV readers: chunked reading, inner gzip, encodings.

CSV files are UTF-8 (a BOM is ignored); a file that is not valid UTF-8 is read as GB18030. Both
encodings are ASCII-compatible and never use the bytes ``\\n``, ``\\r``, ``,`` or ``"`` inside a
multi-byte character, so records can be split on raw bytes before decoding.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from typing import IO, Any

from inspector_app.i18n import Message, bi

CHUNK = 1 << 20
BOM = b"\xef\xbb\xbf"
#: ratio rule of the limits table: once more than 1 MiB has come out, output > 200 x input
RATIO_FREE_BYTES = 1 << 20
MAX_RATIO = 200


class StreamProblem(Exception):
    """A stream could not be read; ``code`` is a format error code."""

    def __init__(self, code: str, message: Message) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def read_chunks(stream: IO[bytes], size: int | None = None) -> Iterator[bytes]:
    """Yield the stream in chunks of about ``size`` bytes (default :data:`CHUNK`)."""
    step = size or CHUNK
    while True:
        block = stream.read(step)
        if not block:
            return
        yield block


def inflate_chunks(
    chunks: Iterator[bytes],
    *,
    wbits: int,
    on_output: Callable[[int], None] | None = None,
    max_ratio: int = MAX_RATIO,
    ratio_free: int = RATIO_FREE_BYTES,
    ratio_message: Message | None = None,
    multi_member: bool = False,
    damaged_code: str = "DAMAGED",
) -> Iterator[bytes]:
    """Inflate a deflate (``wbits=-15``) or gzip (``wbits=47``) stream chunk by chunk.

    The compression ratio is checked continuously: once more than ``ratio_free`` bytes have come
    out, more than ``max_ratio`` x the input consumed raises ``TOO_LARGE`` at once, so a
    decompression bomb stops early. ``on_output(n)`` is called for every block produced (the
    total-size limit). ``multi_member`` reads concatenated gzip members (trailing zero padding is
    tolerated). Damaged or truncated data raises :class:`StreamProblem` with ``damaged_code``.
    """
    d = zlib.decompressobj(wbits)
    consumed = 0
    produced = 0

    def emit(out: bytes) -> bytes:
        nonlocal produced
        produced += len(out)
        if produced > ratio_free and produced > max_ratio * max(consumed, 1):
            raise StreamProblem(
                "TOO_LARGE",
                ratio_message
                or bi(
                    "The data expands more than {ratio} times (a decompression bomb?).",
                    ratio=max_ratio,
                ),
            )
        if on_output is not None:
            on_output(len(out))
        return out

    for block in chunks:
        data = block
        while data:
            if d.eof:
                if not multi_member or not data.strip(b"\x00"):
                    if multi_member:
                        break
                    raise StreamProblem(
                        damaged_code, bi("Unexpected data after the end of the stream.")
                    )
                d = zlib.decompressobj(wbits)
            try:
                out = d.decompress(data, CHUNK)
            except zlib.error as exc:
                raise StreamProblem(
                    damaged_code, bi("The compressed data is damaged: {error}", error=exc)
                ) from exc
            if d.eof:
                consumed += len(data) - len(d.unused_data)
                data = d.unused_data
            else:
                consumed += len(data) - len(d.unconsumed_tail)
                data = d.unconsumed_tail
            if out:
                yield emit(out)
        while not d.eof:
            try:
                out = d.decompress(b"", CHUNK)
            except zlib.error as exc:  # pragma: no cover - zlib reports at the previous call
                raise StreamProblem(
                    damaged_code, bi("The compressed data is damaged: {error}", error=exc)
                ) from exc
            if not out:
                break
            yield emit(out)
    if not d.eof:
        raise StreamProblem(damaged_code, bi("The compressed data ends early (truncated)."))


def gunzip_chunks(
    chunks: Iterator[bytes],
    *,
    on_output: Callable[[int], None] | None = None,
    max_ratio: int = MAX_RATIO,
    ratio_free: int = RATIO_FREE_BYTES,
) -> Iterator[bytes]:
    """Decompress a gzip stream (several members allowed), limits checked while inflating."""
    return inflate_chunks(
        chunks,
        wbits=47,
        on_output=on_output,
        max_ratio=max_ratio,
        ratio_free=ratio_free,
        multi_member=True,
        damaged_code="CSV_INVALID",
        ratio_message=bi(
            "The gzip stream expands more than {ratio} times (a decompression bomb?).",
            ratio=max_ratio,
        ),
    )


MAX_LINE = 16 << 20


def coalesce(chunks: Iterator[bytes], size: int) -> Iterator[bytes]:
    """Join consecutive chunks into pieces of at least ``size`` bytes (the last may be less)."""
    parts: list[bytes] = []
    held = 0
    for chunk in chunks:
        parts.append(chunk)
        held += len(chunk)
        if held >= size:
            yield b"".join(parts)
            parts, held = [], 0
    if parts:
        yield b"".join(parts)


def split_lines(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Re-chunk a byte stream so that every block ends with ``\\n`` (except maybe the last).

    A leading UTF-8 BOM is removed. A line longer than 16 MiB is refused (``CSV_INVALID``)
    rather than buffered.
    """
    pending = b""
    bom_checked = False
    for block in chunks:
        data = pending + block if pending else block
        if not bom_checked:
            if len(data) < 3 and BOM.startswith(data):
                pending = data
                continue
            bom_checked = True
            if data.startswith(BOM):
                data = data[3:]
        cut = data.rfind(b"\n")
        if cut < 0:
            if len(data) > MAX_LINE:
                raise StreamProblem("CSV_INVALID", bi("A line is longer than 16 MiB."))
            pending = data
            continue
        pending = data[cut + 1 :]
        yield data[: cut + 1]
    if pending:
        yield pending


_END = object()


def prefetch(chunks: Iterator[bytes], depth: int = 4) -> Iterator[bytes]:
    """Produce ``chunks`` on a helper thread, ``depth`` blocks ahead of the consumer.

    Reading, inflating and hashing (which release the GIL) then overlap with the consumer's
    parsing on another core. Exceptions of the producer are re-raised in the consumer; closing
    the returned generator stops the producer.
    """
    import queue
    import threading

    q: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for block in chunks:
                while not stop.is_set():
                    try:
                        q.put(block, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            item: Any = _END
        except BaseException as exc:  # handed to the consumer
            item = exc
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    worker = threading.Thread(target=produce, name="casepkg-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            item = q.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join()


class Decoder:
    """Decode line-aligned byte blocks as UTF-8, falling back to GB18030 for the whole file.

    ``hint`` is the encoding already established by validation (``"utf-8"`` or
    ``"gb18030"``). Without a hint, the first block that is not UTF-8 switches to GB18030; that
    is only exact when everything decoded before was ASCII, otherwise ``ENCODING`` is raised
    (validation, which sees the whole file first, always supplies the hint).
    """

    def __init__(self, hint: str | None = None) -> None:
        self.encoding = hint or "utf-8"
        self.fixed = hint is not None
        self.non_ascii_seen = False

    def decode(self, block: bytes) -> str:
        try:
            text = block.decode(self.encoding)
        except UnicodeDecodeError:
            if self.fixed or self.encoding != "utf-8" or self.non_ascii_seen:
                raise StreamProblem(
                    "ENCODING", bi("The file is neither UTF-8 nor GB18030 text.")
                ) from None
            self.encoding = "gb18030"
            self.fixed = True
            try:
                text = block.decode("gb18030")
            except UnicodeDecodeError:
                raise StreamProblem(
                    "ENCODING", bi("The file is neither UTF-8 nor GB18030 text.")
                ) from None
        if not self.fixed and not block.isascii():
            self.non_ascii_seen = True
        return text
