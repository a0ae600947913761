"""The scoring page's models: the expert's answers as they are being typed, and the checklist
tree (dimensions → indicators → questions; scene groups → scenes) over them.

:class:`ExpertAnswers` is plain Python (no widgets): the current answer, level, figures,
comment and evidence of each item, turned into ``score`` finding payloads (saved as drafts)
and into the core's answers for :func:`inspector_app.services.score_answers` — the scoring
itself is always the core's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from inspector_app.checklist import Checklist, ScoreResult, make_answers
from inspector_app.checklist.scoring import show
from inspector_app.i18n import _, get_language

DRAFT_PREFIX = "score:"
_DECIMAL = re.compile(r"^-?\d{1,18}(\.\d{1,8})?$")
_Index = QModelIndex | QPersistentModelIndex


@dataclass
class ItemAnswer:
    """One item as the expert has it now."""

    letters: tuple[str, ...] = ()
    level: int | None = None
    figures: dict[str, str] = field(default_factory=dict)
    comment: str = ""
    evidence: list[str] = field(default_factory=list)

    def empty(self) -> bool:
        return (
            not self.letters
            and self.level is None
            and not self.figures
            and not self.comment.strip()
            and not self.evidence
        )


def is_decimal(text: str) -> bool:
    return bool(_DECIMAL.match(text.strip()))


class ExpertAnswers:
    """The expert's answers to one checklist (signed findings, then drafts on top)."""

    def __init__(self, checklist: Checklist) -> None:
        self.checklist = checklist
        self.items: dict[str, ItemAnswer] = {}
        #: items whose current state is an unsigned draft (changed since the last signature)
        self.unsigned: set[str] = set()

    def get(self, item_id: str) -> ItemAnswer:
        return self.items.setdefault(item_id, ItemAnswer())

    def load_payload(self, payload: dict[str, Any]) -> None:
        """Take a ``score`` payload (a signed finding's data or a draft)."""
        item = payload.get("item")
        if not isinstance(item, str) or item not in self.checklist.item_ids():
            return
        answer = payload.get("answer")
        letters: tuple[str, ...] = ()
        if isinstance(answer, str):
            letters = (answer,)
        elif isinstance(answer, list | tuple):
            letters = tuple(str(a) for a in answer)
        level = payload.get("level")
        figures = payload.get("figures") or {}
        evidence = payload.get("evidence") or []
        self.items[item] = ItemAnswer(
            letters=letters,
            level=level if isinstance(level, int) and not isinstance(level, bool) else None,
            figures={str(k): str(v) for k, v in figures.items()}
            if isinstance(figures, dict)
            else {},
            comment=str(payload.get("comment") or ""),
            evidence=[str(e) for e in evidence if isinstance(e, str)],
        )

    def payload(self, item_id: str) -> dict[str, Any] | None:
        """The ``score`` finding payload of an item (None when nothing was entered)."""
        a = self.items.get(item_id)
        if a is None or a.empty():
            return None
        out: dict[str, Any] = {"kind": "score", "item": item_id}
        question = self.checklist.questions.get(item_id)
        if question is not None:
            if a.letters:
                out["answer"] = list(a.letters) if question.is_multi else a.letters[0]
            figures = {k: v.strip() for k, v in a.figures.items() if is_decimal(v)}
            if figures:
                out["figures"] = figures
        elif a.level is not None:
            out["level"] = a.level
        if a.comment.strip():
            out["comment"] = a.comment
        if a.evidence:
            out["evidence"] = list(a.evidence)
        return out

    def core_answers(self) -> dict[str, Any]:
        """The answers in :func:`~inspector_app.checklist.make_answers` form."""
        values: dict[str, object] = {}
        figures: dict[str, dict[str, object]] = {}
        for item_id, a in self.items.items():
            question = self.checklist.questions.get(item_id)
            if question is not None:
                if a.letters:
                    values[item_id] = list(a.letters) if question.is_multi else a.letters[0]
                figs = {k: Decimal(v.strip()) for k, v in a.figures.items() if is_decimal(v)}
                if figs:
                    figures[item_id] = figs
            elif item_id in self.checklist.scenes and a.level is not None:
                values[item_id] = a.level
        return make_answers(values, figures)

    def answered(self, item_id: str) -> bool:
        a = self.items.get(item_id)
        if a is None:
            return False
        return bool(a.letters) if item_id in self.checklist.questions else a.level is not None

    def unanswered(self) -> list[str]:
        return [i for i in self.checklist.item_ids() if not self.answered(i)]

    def toggle(self, item_id: str, letter: str) -> None:
        """Tick or untick an option as a click does: a single choice replaces the answer; in
        a multi choice the zero-point option (无) stands alone."""
        question = self.checklist.questions[item_id]
        if question.option(letter) is None:
            return
        a = self.get(item_id)
        if not question.is_multi:
            a.letters = () if a.letters == (letter,) else (letter,)
            return
        chosen = list(a.letters)
        if letter in chosen:
            chosen.remove(letter)
        elif letter == question.zero_option:
            chosen = [letter]
        else:
            chosen = [c for c in chosen if c != question.zero_option] + [letter]
        order = {x: i for i, x in enumerate(question.letters)}
        a.letters = tuple(sorted(chosen, key=order.__getitem__))


def answer_text(letters: tuple[str, ...] | None) -> str:
    if letters is None:
        return "?"
    return ",".join(letters) if letters else "–"


@dataclass
class Node:
    kind: str  # "dimension", "indicator", "question", "scenes", "group", "scene"
    id: str
    label: str
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    serial: int = 0

    def row(self) -> int:
        return self.parent.children.index(self) if self.parent is not None else 0


COLUMNS = 4  # item, expert, self-assessment, points
# the roles data() serves, as ints: the view asks for a dozen roles per cell as it sizes the
# columns, and comparing with enum members costs ~0.5 µs each (the page opens in the UI thread)
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_USER = Qt.ItemDataRole.UserRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_SERVED = frozenset({_DISPLAY, _TOOLTIP, _USER, _FOREGROUND})


class ChecklistTreeModel(QAbstractItemModel):
    """The checklist as a tree; columns: item, the expert's answer, the self-assessment,
    points (of the expert's answer)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.root = Node("root", "", "")
        self._nodes: list[Node] = [self.root]
        self.checklist: Checklist | None = None
        self.answers: ExpertAnswers | None = None
        self.result: ScoreResult | None = None
        self.self_result: ScoreResult | None = None
        self._by_id: dict[str, Node] = {}

    def set_checklist(
        self, checklist: Checklist | None, answers: ExpertAnswers | None, self_result: Any
    ) -> None:
        self.beginResetModel()
        self.checklist = checklist
        self.answers = answers
        self.self_result = self_result
        self.root = Node("root", "", "")
        self._nodes = [self.root]
        self._by_id = {}
        if checklist is not None:
            self._build(checklist)
        self.endResetModel()

    def _add(self, parent: Node, node: Node) -> Node:
        node.parent = parent
        node.serial = len(self._nodes)
        self._nodes.append(node)
        parent.children.append(node)
        if node.kind in ("question", "scene"):
            self._by_id[node.id] = node
        return node

    def _build(self, checklist: Checklist) -> None:
        for dim in checklist.dimensions:
            d = self._add(self.root, Node("dimension", dim.id, dim.name))
            for ind in dim.indicators:
                i = self._add(d, Node("indicator", ind.id, ind.name))
                for qid in ind.question_ids:
                    q = checklist.questions[qid]
                    self._add(i, Node("question", qid, f"{qid} {q.name}"))
        scenes = self._add(self.root, Node("scenes", "scenes", ""))
        groups: dict[str, Node] = {}
        for sid, scene in checklist.scenes.items():
            group = groups.get(scene.group_id)
            if group is None:
                group = self._add(scenes, Node("group", scene.group_id, scene.group_name))
                groups[scene.group_id] = group
            mark = (" *" if scene.constrained else "") + (
                "?" if not scene.constrained_confirmed else ""
            )
            self._add(group, Node("scene", sid, f"{sid} {scene.name}{mark}"))

    def set_result(self, result: ScoreResult | None) -> None:
        self.result = result
        if self.rowCount():
            self._changed(self.root)

    def _changed(self, node: Node) -> None:
        if node.children:
            first = self.createIndex(0, 1, node.children[0].serial)
            last = self.createIndex(len(node.children) - 1, COLUMNS - 1, node.children[-1].serial)
            self.dataChanged.emit(first, last)
            for child in node.children:
                self._changed(child)

    def item_changed(self, item_id: str) -> None:
        node = self._by_id.get(item_id)
        if node is not None:
            self.dataChanged.emit(
                self.createIndex(node.row(), 0, node.serial),
                self.createIndex(node.row(), 3, node.serial),
            )

    def index_of(self, item_id: str) -> QModelIndex:
        node = self._by_id.get(item_id)
        return self.createIndex(node.row(), 0, node.serial) if node is not None else QModelIndex()

    def node(self, index: _Index) -> Node:
        if not index.isValid():
            return self.root
        serial = int(index.internalId())
        return self._nodes[serial] if 0 <= serial < len(self._nodes) else self.root

    def item_ids(self) -> list[str]:
        return list(self._by_id)

    # ---------------------------------------------------------------- Qt model interface
    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        # (bounds checked here: PySide6's hasIndex() mishandles the bool it returns)
        if parent.isValid() and parent.column() != 0:
            return QModelIndex()
        node = self.node(parent)
        if not (0 <= row < len(node.children) and 0 <= column < COLUMNS):
            return QModelIndex()
        return self.createIndex(row, column, node.children[row].serial)

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        parent = self.node(index).parent
        if parent is None or parent is self.root:
            return QModelIndex()
        return self.createIndex(parent.row(), 0, parent.serial)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self.node(parent).children)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return COLUMNS

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            (_("Item"), _("Expert"), _("Self-assessment"), _("Points"))[section]
            if 0 <= section < COLUMNS
            else None
        )

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        if role not in _SERVED or not index.isValid():
            return None
        node = self.node(index)
        col = index.column()
        if role == _DISPLAY:
            return self._text(node, col)
        if role == _TOOLTIP:
            return (node.label or self._text(node, 0)) if col == 0 else None
        if role == _USER:
            return node.id
        if col != 1:
            return None  # (foreground: the expert's column only)
        if (
            node.kind in ("question", "scene")
            and self.answers is not None
            and not self.answers.answered(node.id)
        ):
            return QBrush(QColor(150, 150, 150))
        if node.kind == "question":
            q = self.result.questions.get(node.id) if self.result is not None else None
            if q is not None and q.contradiction:
                return QBrush(QColor(190, 90, 0))
        return None

    def _text(self, node: Node, col: int) -> str:
        if col == 0:
            if node.kind == "scenes":
                return _("Digital-operation scenes (数字化经营场景)")
            if node.kind == "dimension" and self.checklist is not None and get_language() == "en":
                # the checklist names its dimensions in English too (the score panel does)
                for dim in self.checklist.dimensions:
                    if dim.id == node.id and dim.name_en:
                        return dim.name_en
            return node.label
        if node.kind == "question":
            return self._question_text(node.id, col)
        if node.kind == "scene":
            return self._scene_text(node.id, col)
        if node.kind == "dimension" and col == 3 and self.result is not None:
            sub = self.result.dimensions.get(node.id)
            if sub is not None:
                return f"{show(sub.points)}/{show(sub.max_score)}"
        if node.kind == "indicator" and col == 3 and self.result is not None:
            sub = self.result.indicators.get(node.id)
            if sub is not None:
                return f"{show(sub.points)}/{show(sub.max_score)}"
        return ""

    def _question_text(self, qid: str, col: int) -> str:
        if col == 1:
            letters = self.answers.get(qid).letters if self.answers is not None else ()
            q = self.result.questions.get(qid) if self.result is not None else None
            text = answer_text(letters)
            if self.answers is not None and qid in self.answers.unsigned:
                text += " ✎"
            if q is not None and q.answer_source == "figures":
                text = f"({answer_text(q.letters)})"
            if q is not None and q.contradiction:
                text += " !"
            return text
        if col == 2:
            s = self.self_result.questions.get(qid) if self.self_result is not None else None
            return answer_text(s.letters) if s is not None else ""
        if col == 3 and self.result is not None:
            q = self.result.questions.get(qid)
            if q is not None:
                return f"{show(q.points)}/{show(q.max_score)}"
        return ""

    def _scene_text(self, sid: str, col: int) -> str:
        if col == 1:
            level = self.answers.get(sid).level if self.answers is not None else None
            text = "–" if level is None else str(level)
            if self.answers is not None and sid in self.answers.unsigned:
                text += " ✎"
            return text
        if col == 2 and self.self_result is not None:
            return str(self.self_result.scenes.get(sid, 0))
        return ""
