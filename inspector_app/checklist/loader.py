"""Load and check checklist files; the registry of checklists by id.

A checklist file is JSON in the shape of ``resources/checklists/checklist.schema.json``. The
checks are explicit Python (no schema library): shapes and types, unique ids, decimal strings,
and the arithmetic that must hold (a multi-choice question's options add up to its maximum, a
single-choice question's best option is its maximum, sub-indicators add up to their indicator,
indicators to their dimension, dimensions to the total). A file that fails any check is refused
with :class:`ChecklistInvalid`, naming the file and the JSON pointer.

Several checklists live side by side, keyed by their ``id`` (``miit-2024``); the bundled ones
are found in ``resources/checklists/`` on first use, others can be registered
(:func:`register_checklist`, :func:`load_checklist_dir`).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from inspector_app.checklist.model import (
    Band,
    Checklist,
    Dimension,
    FigureSpec,
    Indicator,
    LevelThreshold,
    Option,
    Question,
    Quotient,
    Scene,
    SourceNote,
    SubIndicator,
)
from inspector_app.errors import InputRefused
from inspector_app.i18n import Message, bi, exc_message
from inspector_app.resources import resource_path

FORMAT = "inspector-checklist"
DEFAULT_CHECKLIST = "miit-2024"
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_ITEM_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,31}$")
_LETTER = re.compile(r"^[A-Z]$")
_DECIMAL = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$")
SCHEMA_FILE = "checklist.schema.json"


class ChecklistInvalid(InputRefused):
    """A checklist file is malformed; ``pointer`` is the RFC 6901 pointer of the fault."""

    def __init__(self, source: str, pointer: str, problem: Message) -> None:
        super().__init__(
            bi(
                "The checklist file {file} is invalid at {pointer}: {problem}",
                file=source,
                pointer=pointer or "/",
                problem=problem,
            )
        )
        self.source = source
        self.pointer = pointer
        self.problem = problem


class UnknownChecklist(InputRefused):
    def __init__(self, checklist_id: str, known: list[str]) -> None:
        super().__init__(
            bi(
                "Unknown checklist {id}; this app knows: {known}",
                id=checklist_id,
                known=", ".join(known) or "-",
            )
        )
        self.checklist_id = checklist_id


class _Reader:
    """Typed accessors that raise :class:`ChecklistInvalid` with the pointer of the fault."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, pointer: str, problem: Message) -> ChecklistInvalid:
        return ChecklistInvalid(self.source, pointer, problem)

    def obj(self, value: Any, ptr: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(ptr, bi("an object was expected"))
        return value

    def lst(self, value: Any, ptr: str, *, nonempty: bool = True) -> list[Any]:
        if not isinstance(value, list) or (nonempty and not value):
            raise self.fail(ptr, bi("a non-empty list was expected"))
        return value

    def field(self, o: dict[str, Any], key: str, ptr: str) -> Any:
        if key not in o or o[key] is None:
            raise self.fail(f"{ptr}/{key}", bi("required field is missing"))
        return o[key]

    def text(self, o: dict[str, Any], key: str, ptr: str, *, optional: bool = False) -> str:
        if optional and o.get(key) is None:
            return ""
        value = self.field(o, key, ptr)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{ptr}/{key}", bi("a non-empty string was expected"))
        return value

    def dec(self, o: dict[str, Any], key: str, ptr: str) -> Decimal:
        value = self.field(o, key, ptr)
        if not isinstance(value, str) or not _DECIMAL.match(value):
            raise self.fail(f"{ptr}/{key}", bi('a decimal string such as "1.5" was expected'))
        try:
            result = Decimal(value)
        except InvalidOperation as exc:  # pragma: no cover - the pattern excludes it
            raise self.fail(f"{ptr}/{key}", exc_message(exc)) from exc
        if result < 0:
            raise self.fail(f"{ptr}/{key}", bi("must not be negative"))
        return result

    def integer(self, o: dict[str, Any], key: str, ptr: str, lo: int, hi: int) -> int:
        value = self.field(o, key, ptr)
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise self.fail(
                f"{ptr}/{key}", bi("an integer from {lo} to {hi} was expected", lo=lo, hi=hi)
            )
        return value

    def boolean(self, o: dict[str, Any], key: str, ptr: str) -> bool:
        value = self.field(o, key, ptr)
        if not isinstance(value, bool):
            raise self.fail(f"{ptr}/{key}", bi("true or false was expected"))
        return value

    def same_sum(self, total: Decimal, parts: list[Decimal], ptr: str) -> None:
        if sum(parts, Decimal(0)) != total:
            raise self.fail(
                ptr,
                bi(
                    "max_score {total} differs from the sum of its parts {sum}",
                    total=total,
                    sum=sum(parts, Decimal(0)),
                ),
            )


def _figures(r: _Reader, f: dict[str, Any], ptr: str, q: Question) -> FigureSpec:
    kind = r.text(f, "kind", ptr)
    keys_raw = r.lst(r.field(f, "keys", ptr), f"{ptr}/keys")
    if not all(isinstance(k, str) and k for k in keys_raw) or len(set(keys_raw)) != len(keys_raw):
        raise r.fail(f"{ptr}/keys", bi("distinct non-empty strings were expected"))
    keys = tuple(keys_raw)

    def key_ref(o: dict[str, Any], name: str, p: str, *, optional: bool = False) -> str | None:
        if optional and o.get(name) is None:
            return None
        value = r.text(o, name, p)
        if value not in keys:
            raise r.fail(f"{p}/{name}", bi("{key} is not one of the figure keys", key=value))
        return value

    desc = r.text(f, "description", ptr)
    desc_en = r.text(f, "description_en", ptr)
    if kind == "ratio":
        bands: list[Band] = []
        for i, b_raw in enumerate(r.lst(r.field(f, "bands", ptr), f"{ptr}/bands")):
            bp = f"{ptr}/bands/{i}"
            b = r.obj(b_raw, bp)
            option = r.text(b, "option", bp)
            if q.option(option) is None:
                raise r.fail(f"{bp}/option", bi("no option {letter}", letter=option))
            band = Band(
                option=option,
                lower=r.dec(b, "lower", bp),
                lower_inclusive=r.boolean(b, "lower_inclusive", bp),
                upper=r.dec(b, "upper", bp),
                upper_inclusive=r.boolean(b, "upper_inclusive", bp),
            )
            if band.lower > band.upper:
                raise r.fail(bp, bi("the lower bound is above the upper bound"))
            if bands:
                prev = bands[-1]
                contiguous = prev.upper == band.lower and (
                    prev.upper_inclusive != band.lower_inclusive
                )
                if not contiguous:
                    raise r.fail(bp, bi("the bands must follow each other without gap or overlap"))
            bands.append(band)
        return FigureSpec(
            kind=kind,
            keys=keys,
            description=desc,
            description_en=desc_en,
            numerator=key_ref(f, "numerator", ptr),
            denominator=key_ref(f, "denominator", ptr),
            bands=tuple(bands),
        )
    if kind == "change":
        quotients = {}
        for side in ("before", "after"):
            sp = f"{ptr}/{side}"
            s = r.obj(r.field(f, side, ptr), sp)
            num = key_ref(s, "numerator", sp)
            assert num is not None
            quotients[side] = Quotient(num, key_ref(s, "denominator", sp, optional=True))
        dirs = r.obj(r.field(f, "directions", ptr), f"{ptr}/directions")
        if set(dirs) != {"increase", "flat", "decrease"}:
            raise r.fail(f"{ptr}/directions", bi("increase, flat and decrease are required"))
        for name, letter in dirs.items():
            if not isinstance(letter, str) or q.option(letter) is None:
                raise r.fail(f"{ptr}/directions/{name}", bi("no option {letter}", letter=letter))
        return FigureSpec(
            kind=kind,
            keys=keys,
            description=desc,
            description_en=desc_en,
            before=quotients["before"],
            after=quotients["after"],
            directions=dict(dirs),
        )
    raise r.fail(f"{ptr}/kind", bi("ratio or change was expected"))


def _question(r: _Reader, o: dict[str, Any], ptr: str, ids: tuple[str, str, str]) -> Question:
    qid = r.text(o, "id", ptr)
    if not _ITEM_ID.match(qid):
        raise r.fail(f"{ptr}/id", bi("not a valid item id"))
    qtype = r.text(o, "type", ptr)
    if qtype not in ("single", "multi"):
        raise r.fail(f"{ptr}/type", bi("single or multi was expected"))
    max_score = r.dec(o, "max_score", ptr)
    options: list[Option] = []
    for i, raw_raw in enumerate(r.lst(r.field(o, "options", ptr), f"{ptr}/options")):
        op = f"{ptr}/options/{i}"
        raw = r.obj(raw_raw, op)
        letter = r.text(raw, "letter", op)
        if not _LETTER.match(letter) or any(x.letter == letter for x in options):
            raise r.fail(f"{op}/letter", bi("a distinct upper-case letter was expected"))
        options.append(Option(letter, r.text(raw, "text", op), r.dec(raw, "points", op)))
    zero = o.get("zero_option")
    if qtype == "multi":
        if not isinstance(zero, str) or not any(
            x.letter == zero and x.points == 0 for x in options
        ):
            raise r.fail(
                f"{ptr}/zero_option", bi("a multi-choice question names its zero-point option")
            )
        r.same_sum(max_score, [x.points for x in options], f"{ptr}/max_score")
    else:
        zero = None
        if max(x.points for x in options) != max_score:
            raise r.fail(f"{ptr}/max_score", bi("max_score differs from the best option's points"))
    notes = o.get("notes")
    q = Question(
        id=qid,
        name=r.text(o, "name", ptr),
        type=qtype,
        max_score=max_score,
        options=tuple(options),
        dimension_id=ids[0],
        indicator_id=ids[1],
        sub_indicator_id=ids[2],
        zero_option=zero,
        notes=notes if isinstance(notes, str) else None,
    )
    if o.get("figures") is not None:
        spec = _figures(r, r.obj(o["figures"], f"{ptr}/figures"), f"{ptr}/figures", q)
        q = Question(**{**q.__dict__, "figures": spec})
    return q


def _flag(r: _Reader, o: dict[str, Any], key: str, ptr: str, *, default: bool) -> bool:
    """An optional boolean field (``default`` when absent)."""
    return default if o.get(key) is None else r.boolean(o, key, ptr)


def _source_note(r: _Reader, o: dict[str, Any], key: str, ptr: str) -> SourceNote | None:
    """An optional ``{"text", "text_en", "sources"}`` object: where an unconfirmed fact of the
    checklist comes from."""
    if o.get(key) is None:
        return None
    p = f"{ptr}/{key}"
    note = r.obj(o[key], p)
    sources = r.lst(r.field(note, "sources", p), f"{p}/sources")
    for i, src in enumerate(sources):
        if not isinstance(src, str) or not src.strip():
            raise r.fail(f"{p}/sources/{i}", bi("a non-empty string was expected"))
    return SourceNote(r.text(note, "text", p), r.text(note, "text_en", p), tuple(sources))


def parse_checklist(data: Any, source: str = "<checklist>") -> Checklist:
    """Build a :class:`Checklist` from parsed JSON, or raise :class:`ChecklistInvalid`."""
    r = _Reader(source)
    top = r.obj(data, "")
    if top.get("format") != FORMAT:
        raise r.fail("/format", bi("{expected} was expected", expected=FORMAT))
    version = r.text(top, "format_version", "")
    if version.split(".")[0] != "1":
        raise r.fail("/format_version", bi("format version 1.x was expected"))
    cid = r.text(top, "id", "")
    if not _ID.match(cid):
        raise r.fail("/id", bi("lower-case letters, digits, dot, dash or underscore"))
    total = r.dec(top, "max_score", "")
    settings = r.obj(r.field(top, "settings", ""), "/settings")
    tolerance = r.dec(settings, "flat_tolerance_pct", "/settings")

    dims: list[Dimension] = []
    questions: dict[str, Question] = {}
    for di, d_raw in enumerate(r.lst(r.field(top, "dimensions", ""), "/dimensions")):
        dp = f"/dimensions/{di}"
        d = r.obj(d_raw, dp)
        did = r.text(d, "id", dp)
        indicators: list[Indicator] = []
        for ii, ind_raw in enumerate(r.lst(r.field(d, "indicators", dp), f"{dp}/indicators")):
            ip = f"{dp}/indicators/{ii}"
            ind = r.obj(ind_raw, ip)
            iid = r.text(ind, "id", ip)
            subs: list[SubIndicator] = []
            for si, sub_raw in enumerate(
                r.lst(r.field(ind, "sub_indicators", ip), f"{ip}/sub_indicators")
            ):
                sp = f"{ip}/sub_indicators/{si}"
                sub = r.obj(sub_raw, sp)
                sid = r.text(sub, "id", sp)
                qids: list[str] = []
                for qi, qraw in enumerate(r.lst(r.field(sub, "questions", sp), f"{sp}/questions")):
                    qp = f"{sp}/questions/{qi}"
                    q = _question(r, r.obj(qraw, qp), qp, (did, iid, sid))
                    if q.id in questions:
                        raise r.fail(f"{qp}/id", bi("duplicate item id {id}", id=q.id))
                    questions[q.id] = q
                    qids.append(q.id)
                max_s = r.dec(sub, "max_score", sp)
                r.same_sum(max_s, [questions[x].max_score for x in qids], f"{sp}/max_score")
                subs.append(SubIndicator(sid, r.text(sub, "name", sp), max_s, tuple(qids)))
            max_i = r.dec(ind, "max_score", ip)
            r.same_sum(max_i, [s.max_score for s in subs], f"{ip}/max_score")
            indicators.append(Indicator(iid, r.text(ind, "name", ip), max_i, tuple(subs)))
        max_d = r.dec(d, "max_score", dp)
        r.same_sum(max_d, [i.max_score for i in indicators], f"{dp}/max_score")
        dims.append(
            Dimension(
                did, r.text(d, "name", dp), r.text(d, "name_en", dp), max_d, tuple(indicators)
            )
        )
    r.same_sum(total, [d.max_score for d in dims], "/max_score")

    scenes: dict[str, Scene] = {}
    business = r.obj(r.field(top, "business", ""), "/business")
    for gi, g_raw in enumerate(r.lst(r.field(business, "groups", "/business"), "/business/groups")):
        gp = f"/business/groups/{gi}"
        g = r.obj(g_raw, gp)
        gid, gname = r.text(g, "id", gp), r.text(g, "name", gp)
        for si, s_raw in enumerate(r.lst(r.field(g, "scenes", gp), f"{gp}/scenes")):
            sp = f"{gp}/scenes/{si}"
            s = r.obj(s_raw, sp)
            sid = r.text(s, "id", sp)
            if not _ITEM_ID.match(sid) or sid in scenes or sid in questions:
                raise r.fail(f"{sp}/id", bi("duplicate item id {id}", id=sid))
            levels_raw = r.obj(r.field(s, "levels", sp), f"{sp}/levels")
            if sorted(levels_raw) != ["1", "2", "3", "4"]:
                raise r.fail(f"{sp}/levels", bi("the descriptions of levels 1 to 4 are required"))
            levels = {int(k): r.text(levels_raw, k, f"{sp}/levels") for k in sorted(levels_raw)}
            scenes[sid] = Scene(
                sid,
                r.text(s, "name", sp),
                gid,
                gname,
                r.boolean(s, "constrained", sp),
                levels,
                constrained_confirmed=_flag(r, s, "constrained_confirmed", sp, default=True),
                constrained_source=_source_note(r, s, "constrained_source", sp),
            )
    n_constrained = sum(1 for s in scenes.values() if s.constrained)

    levels_obj = r.obj(r.field(top, "levels", ""), "/levels")
    thresholds: list[LevelThreshold] = []
    for ti, t_raw in enumerate(
        r.lst(r.field(levels_obj, "thresholds", "/levels"), "/levels/thresholds")
    ):
        tp = f"/levels/thresholds/{ti}"
        t = r.obj(t_raw, tp)
        th = LevelThreshold(
            level=r.integer(t, "level", tp, ti + 1, ti + 1),
            name=r.text(t, "name", tp),
            min_score=r.dec(t, "min_score", tp),
            min_scenes=r.integer(t, "min_scenes", tp, 0, len(scenes)),
            min_constrained_scenes=r.integer(t, "min_constrained_scenes", tp, 0, n_constrained),
        )
        if th.min_score > total:
            raise r.fail(f"{tp}/min_score", bi("above the checklist's maximum score"))
        thresholds.append(th)
    if len(thresholds) > 4:
        raise r.fail("/levels/thresholds", bi("at most four levels (scene levels are 0 to 4)"))

    notes = {k: v for k, v in levels_obj.items() if k != "thresholds"}
    source_raw = top.get("source")
    source_notes: dict[str, Any] = source_raw if isinstance(source_raw, dict) else {}
    return Checklist(
        id=cid,
        version=r.text(top, "version", ""),
        title=r.text(top, "title", ""),
        title_en=r.text(top, "title_en", "", optional=True),
        max_score=total,
        flat_tolerance_pct=tolerance,
        dimensions=tuple(dims),
        questions=questions,
        scenes=scenes,
        thresholds=tuple(thresholds),
        source=source_notes,
        levels_notes=notes,
        thresholds_confirmed=_flag(r, levels_obj, "thresholds_confirmed", "/levels", default=False),
        thresholds_source=_source_note(r, levels_obj, "thresholds_source", "/levels"),
    )


def load_checklist(path: Path | str) -> Checklist:
    """Read and check one checklist file."""
    p = Path(path)
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ChecklistInvalid(str(p), "", exc_message(exc)) from exc
    except UnicodeDecodeError as exc:
        raise ChecklistInvalid(str(p), "", bi("not UTF-8 text")) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ChecklistInvalid(
            str(p), "", bi("not valid JSON (line {line}): {error}", line=exc.lineno, error=exc.msg)
        ) from exc
    return parse_checklist(data, p.name)


# --------------------------------------------------------------------------- registry
_lock = threading.Lock()
_registry: dict[str, Checklist] = {}
_loaded: dict[str, bool] = {"builtins": False}


def _builtin_files() -> list[Path]:
    folder = resource_path("checklists")
    return sorted(p for p in Path(folder).glob("*.json") if p.name != SCHEMA_FILE)


def _ensure_builtins() -> None:
    with _lock:
        if _loaded["builtins"]:
            return
        for path in _builtin_files():
            checklist = load_checklist(path)
            _registry.setdefault(checklist.id, checklist)
        _loaded["builtins"] = True


def register_checklist(checklist: Checklist, *, replace: bool = False) -> None:
    """Make ``checklist`` available by its id (e.g. a corrected or newer version)."""
    _ensure_builtins()
    with _lock:
        if checklist.id in _registry and not replace:
            old = _registry[checklist.id]
            if old.version != checklist.version:
                raise InputRefused(
                    bi(
                        "Checklist {id} version {old} is already loaded (new: {new})",
                        id=checklist.id,
                        old=old.version,
                        new=checklist.version,
                    )
                )
        _registry[checklist.id] = checklist


def unregister_checklist(checklist_id: str) -> None:
    with _lock:
        _registry.pop(checklist_id, None)


def load_checklist_dir(folder: Path | str) -> list[Checklist]:
    """Register every ``*.json`` checklist of ``folder`` (replacing ones with the same id)."""
    loaded = []
    for path in sorted(Path(folder).glob("*.json")):
        if path.name == SCHEMA_FILE:
            continue
        checklist = load_checklist(path)
        register_checklist(checklist, replace=True)
        loaded.append(checklist)
    return loaded


def known_checklists() -> list[str]:
    _ensure_builtins()
    with _lock:
        return sorted(_registry)


def find_checklist(checklist_id: str) -> Checklist | None:
    _ensure_builtins()
    with _lock:
        return _registry.get(checklist_id)


def get_checklist(checklist_id: str = DEFAULT_CHECKLIST) -> Checklist:
    """The checklist named ``checklist_id``, or :class:`UnknownChecklist`."""
    found = find_checklist(checklist_id)
    if found is None:
        raise UnknownChecklist(checklist_id, known_checklists())
    return found


def checklists_by_id() -> Mapping[str, Checklist]:
    _ensure_builtins()
    with _lock:
        return dict(_registry)
