"""Cloned usage logs across enterprises: winnowed rolling hashes over event tokens.

An event's **token** is (action, object, gap in seconds to the previous event) — what a clone
keeps after shifting time. A run of ``R`` identical consecutive events gives ``R - 1``
identical consecutive tokens (the first event's gap points outside the run).

Each log's token sequence is hashed in windows of ``k`` tokens (a Rabin–Karp rolling hash)
and **winnowed**: of every ``w`` consecutive window hashes the smallest is kept (Schleimer,
Wilkerson & Aiken 2003). Any shared stretch of at least ``k + w - 1`` tokens is then
guaranteed to share a kept fingerprint; with ``k + w - 1 = R - 1`` no clone of ``R`` events is
missed. Kept fingerprints go to an inverted index; only logs sharing one are compared, by
extending the match around it on the stored token arrays.
"""

from __future__ import annotations

import zlib
from array import array
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

_MOD = (1 << 61) - 1
_BASE = 1_000_003


def window_sizes(min_run: int) -> tuple[int, int]:
    """``(k, w)`` with ``k + w - 1 == min_run - 1`` (both at least 1)."""
    span = max(1, min_run - 1)
    k = max(1, (span + 1) // 2)
    w = span - k + 1
    return k, w


def tokenize(events: Iterable[tuple[int, str, str]]) -> tuple[array[int], array[int]]:
    """``(tokens, heads)`` of events ``(ts, action, object)``.

    ``heads[i]`` hashes event ``i``'s action and object; ``tokens[i]`` hashes event ``i + 1``'s
    action, object and gap (seconds) to event ``i`` (unsigned 32-bit CRC-32 values).
    """
    toks: array[int] = array("I")
    heads: array[int] = array("I")
    prev: int | None = None
    for ts, action, obj in events:
        head = f"{action}\x1f{obj}"
        heads.append(zlib.crc32(head.encode()))
        if prev is not None:
            toks.append(zlib.crc32(f"{head}\x1f{ts - prev}".encode()))
        prev = ts
    return toks, heads


def fingerprints(toks: Sequence[int], k: int, w: int) -> Iterator[tuple[int, int]]:
    """Winnowed ``(hash, position)`` pairs of the k-token windows of ``toks``."""
    n = len(toks)
    if n < k:
        return
    high = pow(_BASE, k - 1, _MOD)
    h = 0
    for t in toks[:k]:
        h = (h * _BASE + t + 1) % _MOD
    window: deque[tuple[int, int]] = deque()  # (hash, pos), increasing hashes
    last: int | None = None
    count = n - k + 1
    for pos in range(count):
        if pos:
            h = ((h - (toks[pos - 1] + 1) * high) * _BASE + toks[pos + k - 1] + 1) % _MOD
        while window and window[-1][0] >= h:
            window.pop()
        window.append((h, pos))
        while window[0][1] <= pos - w:
            window.popleft()
        if (pos >= w - 1 or pos == count - 1) and window[0][1] != last:
            last = window[0][1]
            yield window[0]


@dataclass
class Log:
    uscc: str
    system_id: str
    path: str
    tokens: array[int]
    heads: array[int]


def longest_run_at(a: Sequence[int], i: int, b: Sequence[int], j: int) -> tuple[int, int, int]:
    """The maximal identical stretch through ``a[i] == b[j]``: ``(start_a, start_b, length)``."""
    if a[i] != b[j]:
        return i, j, 0
    s = 0
    while i - s - 1 >= 0 and j - s - 1 >= 0 and a[i - s - 1] == b[j - s - 1]:
        s += 1
    e = 0
    while i + e + 1 < len(a) and j + e + 1 < len(b) and a[i + e + 1] == b[j + e + 1]:
        e += 1
    return i - s, j - s, s + e + 1


def run_events(a: Log, i: int, b: Log, j: int) -> tuple[int, int, int]:
    """The identical run of events through tokens ``a.tokens[i] == b.tokens[j]``.

    Returns ``(first event of a, first event of b, events)`` (0-based event indexes): the
    maximal token match of length ``L`` covers events ``t0 + 1 … t0 + L`` and their gaps; event
    ``t0`` belongs to the run too when its action and object agree.
    """
    ta, tb, length = longest_run_at(a.tokens, i, b.tokens, j)
    if length == 0:
        return ta + 1, tb + 1, 0
    if a.heads[ta] == b.heads[tb]:
        return ta, tb, length + 1
    return ta + 1, tb + 1, length


def clone_pairs(logs: Sequence[Log], min_run: int) -> Iterator[tuple[Log, Log, int, int, int]]:
    """Pairs of logs of different enterprises sharing a run of ≥ ``min_run`` identical events.

    Yields ``(a, b, first_event_a, first_event_b, events)`` — the longest run per pair.
    """
    k, w = window_sizes(min_run)
    index: dict[int, list[tuple[int, int]]] = defaultdict(list)
    best: dict[tuple[int, int], tuple[int, int, int]] = {}
    for li, log in enumerate(logs):
        for h, pos in fingerprints(log.tokens, k, w):
            for lj, pj in index.get(h, ()):
                other = logs[lj]
                if other.uscc == log.uscc:
                    continue
                ea, eb, events = run_events(other, pj, log, pos)
                if events >= min_run:
                    key = (lj, li)
                    if key not in best or best[key][2] < events:
                        best[key] = (ea, eb, events)
            index[h].append((li, pos))
    for (lj, li), (ea, eb, events) in sorted(best.items()):
        yield logs[lj], logs[li], ea, eb, events
