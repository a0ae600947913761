"""评测打分 Scoring: the checklist as a tree, the expert's answer beside the self-assessment,
evidence, comments, raw figures, and a live panel of the score, the scenes and the level.

Every change is scored at once by the core (:func:`inspector_app.services.score_answers`) and
autosaved as a ``score`` draft (``score:<item>``, unsigned) through the serial task pool, so a
crash loses nothing: reopening the case restores the drafts over the signed answers. "Sign
the answers" signs the score drafts as findings.

Keyboard: in the tree, the arrow keys move between items; a letter ticks or unticks that
option of a question, a digit 0–4 sets a scene's level, Delete clears the answer, Ctrl+J goes
to the next unanswered item, Enter moves into the item's editor (Tab and Space there; Alt+A
adds evidence, Alt+M the comment), Ctrl+1 returns to the tree, and Ctrl+Shift+S signs. The
option buttons carry no mnemonics of their own (their letters would clash with the editor's).
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from inspector_app import labels, services
from inspector_app.checklist import Checklist, ScoreResult
from inspector_app.checklist.scoring import show
from inspector_app.i18n import _, get_language, nbi
from ui.pages import Page, PageContext, register
from ui.pages.evidence import EVIDENCE_MIME, _wait
from ui.scoring_model import DRAFT_PREFIX, ChecklistTreeModel, ExpertAnswers, is_decimal
from ui.tasks import run_task

AUTOSAVE_MS = 400


def thresholds_confirmed(checklist: Checklist) -> bool:
    """Whether the checklist's level thresholds are confirmed against the official annex."""
    return bool(checklist.thresholds_confirmed)


def _load(session: Any) -> tuple[Checklist, ScoreResult | None, ExpertAnswers, list[str]]:
    """Work function: the checklist, the self-assessment's score, the expert's answers
    (current signed ``score`` findings of this device, then drafts on top), package paths."""
    checklist = session.checklist
    try:
        self_result: ScoreResult | None = services.score_self(session)
    except Exception:  # an unknown checklist in 附件8: shown as no self-assessment
        self_result = None
    answers = ExpertAnswers(checklist)
    for finding in services.list_findings(session.home, session, kind="score"):
        if finding.origin == "local":
            answers.load_payload(dict(finding.data))
    for draft in services.list_drafts(session.home, session):
        if draft.key.startswith(DRAFT_PREFIX):
            answers.load_payload(dict(draft.payload))
            answers.unsigned.add(draft.key[len(DRAFT_PREFIX) :])
    paths = [f.path for f in session.package.manifest.files]
    return checklist, self_result, answers, paths


class EvidenceList(QListWidget):
    """Evidence paths of one item; accepts files dragged from the evidence page."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.on_drop: Any = None

    def _paths(self, event: QDragEnterEvent | QDropEvent) -> list[str]:
        mime = event.mimeData()
        if mime.hasFormat(EVIDENCE_MIME):
            text = bytes(mime.data(EVIDENCE_MIME).data()).decode("utf-8")
        elif mime.hasText():
            text = mime.text()
        else:
            return []
        return [p.strip() for p in text.splitlines() if p.strip()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._paths(event)
        if paths and self.on_drop is not None:
            self.on_drop(paths)
            event.acceptProposedAction()


@register
class ScoringPage(Page):
    name = "scoring"

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.checklist: Checklist | None = None
        self.answers: ExpertAnswers | None = None
        self.self_result: ScoreResult | None = None
        self.result: ScoreResult | None = None
        self.paths: list[str] = []
        self.current: str | None = None
        self._dirty: set[str] = set()
        self._updating = False
        self._loaded = False
        self._expand_pending = False

        self.model = ChecklistTreeModel(self)
        self.tree = QTreeView(self)
        self.tree.setObjectName("checklist-tree")
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            # sized to their contents by _fit_columns, once per change (ResizeToContents measured
            # every row again at each dataChanged: a rescore emits one per branch, ~0.3 s)
            self.tree.header().setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        self.tree.installEventFilter(self)

        # the item editor
        self.editor = QWidget(self)
        self.item_title = QLabel(self.editor)
        self.item_title.setObjectName("item-title")
        self.item_title.setWordWrap(True)
        font = self.item_title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.item_title.setFont(font)
        self.item_info = QLabel(self.editor)
        self.item_info.setWordWrap(True)
        self.self_label = QLabel(self.editor)
        self.self_label.setObjectName("self-assessment")
        self.self_label.setWordWrap(True)
        self.self_label.setTextFormat(Qt.TextFormat.RichText)
        self.self_label.linkActivated.connect(self._show_evidence)
        self.options_box = QGroupBox(self.editor)
        self.options_layout = QGridLayout(self.options_box)
        self.options_layout.setColumnStretch(1, 1)
        self.buttons = QButtonGroup(self)
        self.buttons.setExclusive(False)
        self.buttons.buttonClicked.connect(self._button_clicked)
        self.clear_button = QPushButton(self.editor)
        self.clear_button.clicked.connect(self.clear_current)
        self.figures_box = QGroupBox(self.editor)
        self.figures_form = QFormLayout(self.figures_box)
        self.figure_edits: dict[str, QLineEdit] = {}
        self.figures_note = QLabel(self.figures_box)
        self.figures_note.setWordWrap(True)
        self.figures_form.addRow(self.figures_note)
        self.evidence_box = QGroupBox(self.editor)
        self.evidence_list = EvidenceList(self.evidence_box)
        self.evidence_list.setObjectName("item-evidence")
        self.evidence_list.on_drop = self.add_evidence
        self.evidence_list.itemActivated.connect(lambda item: self._show_evidence(item.text()))
        self.add_evidence_button = QPushButton(self.evidence_box)
        self.add_evidence_button.clicked.connect(self.pick_evidence)
        self.remove_evidence_button = QPushButton(self.evidence_box)
        self.remove_evidence_button.clicked.connect(self.remove_evidence)
        ev_buttons = QVBoxLayout()
        ev_buttons.addWidget(self.add_evidence_button)
        ev_buttons.addWidget(self.remove_evidence_button)
        ev_buttons.addStretch(1)
        ev_layout = QHBoxLayout(self.evidence_box)
        ev_layout.addWidget(self.evidence_list, 1)
        ev_layout.addLayout(ev_buttons)
        self.comment_label = QLabel(self.editor)
        self.comment = QPlainTextEdit(self.editor)
        self.comment.setObjectName("item-comment")
        self.comment.setTabChangesFocus(True)
        self.comment.setMaximumHeight(90)
        self.comment.textChanged.connect(self._comment_changed)
        self.comment_label.setBuddy(self.comment)
        editor_layout = QVBoxLayout(self.editor)
        editor_layout.addWidget(self.item_title)
        editor_layout.addWidget(self.item_info)
        editor_layout.addWidget(self.self_label)
        editor_layout.addWidget(self.options_box)
        editor_layout.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignLeft)
        editor_layout.addWidget(self.figures_box)
        editor_layout.addWidget(self.evidence_box)
        editor_layout.addWidget(self.comment_label)
        editor_layout.addWidget(self.comment)
        editor_layout.addStretch(1)
        editor_scroll = QScrollArea(self)
        editor_scroll.setWidgetResizable(True)
        editor_scroll.setWidget(self.editor)

        # the live panel
        self.panel = QLabel(self)
        self.panel.setObjectName("score-panel")
        self.panel.setTextFormat(Qt.TextFormat.RichText)
        self.panel.setWordWrap(True)
        self.panel.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        panel_scroll = QScrollArea(self)
        panel_scroll.setWidgetResizable(True)
        panel_scroll.setWidget(self.panel)
        self.sign_button = QPushButton(self)
        self.sign_button.setObjectName("sign-scores")
        self.sign_button.clicked.connect(self.sign)
        self.next_button = QPushButton(self)
        self.next_button.clicked.connect(self.next_unanswered)
        self.save_state = QLabel(self)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(panel_scroll, 1)
        right_layout.addWidget(self.next_button)
        right_layout.addWidget(self.sign_button)
        right_layout.addWidget(self.save_state)

        split = QSplitter(self)
        split.setObjectName("scoring-splitter")
        split.addWidget(self.tree)
        split.addWidget(editor_scroll)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 4)
        split.setStretchFactor(2, 2)
        split.setSizes([520, 480, 280])  # the tree wide enough for the questions titles
        self.placeholder = QLabel(self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(self.placeholder)
        layout.addWidget(split, 1)
        self.split = split

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(AUTOSAVE_MS)
        self.timer.timeout.connect(self.save_drafts)
        QShortcut(QKeySequence("Ctrl+J"), self, self.next_unanswered)
        QShortcut(QKeySequence("Ctrl+Shift+S"), self, self.sign)
        QShortcut(QKeySequence("Ctrl+1"), self, self.tree.setFocus)
        self.retranslate()
        self._show_loaded(False)

    # ---------------------------------------------------------------- page contract
    def title(self) -> str:
        return _("Scoring")

    def retranslate(self) -> None:
        self.clear_button.setText(_("C&lear the answer"))
        self.figures_box.setTitle(_("Raw figures (as the question asks for them)"))
        self.evidence_box.setTitle(_("Evidence (drag files here from the Evidence page)"))
        self.add_evidence_button.setText(_("&Add evidence…"))
        self.remove_evidence_button.setText(_("&Remove"))
        self.comment_label.setText(_("Co&mment:"))
        self.sign_button.setText(_("&Sign the answers (Ctrl+Shift+S)"))
        self.next_button.setText(_("&Next unanswered item (Ctrl+J)"))
        self.placeholder.setText(_("No case is open."))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 3)
        if self.current is not None:
            self._show_item(self.current)
        self._update_panel()

    def set_session(self, session: Any) -> None:
        if self._dirty and self.session is not None:
            self.save_drafts()
        super().set_session(session)
        self._loaded = False
        self.current = None
        self.model.set_checklist(None, None, None)
        self._show_loaded(False)
        if session is None:
            self.placeholder.setText(_("No case is open."))
            return
        self.placeholder.setText(_("Loading the checklist…"))
        run_task(
            _load,
            session,
            on_done=lambda result, s=session: self._loaded_answers(result, s),
            on_error=lambda exc: self.context.show_error(exc, self),
            pass_progress=False,
            name="scoring-load",
        )

    def ready(self) -> bool:
        return self._loaded

    def prepare_screenshot(self) -> None:
        """For ``gui --page scoring --screenshot``: wait for the checklist, show a question
        that asks for figures."""
        _wait(self.ready)
        if self.checklist is not None:
            with_figures = [q for q in self.checklist.questions.values() if q.figures]
            if with_figures:
                self.select_item(with_figures[0].id)

    def flush_drafts(self) -> None:
        """Write pending drafts now and wait for them (the window is closing)."""
        from ui.tasks import wait_all

        self.save_drafts()
        wait_all(10_000)

    def showEvent(self, event: Any) -> None:
        if self._expand_pending:
            self._expand()
        super().showEvent(event)

    def _expand(self) -> None:
        self._expand_pending = False
        self.tree.expandAll()
        self._fit_columns()
        if self.tree.currentIndex().isValid():
            self.tree.scrollTo(self.tree.currentIndex())

    def _fit_columns(self) -> None:
        if self._expand_pending or not self.isVisible():
            return  # fitted when shown
        for col in (1, 2, 3):
            self.tree.resizeColumnToContents(col)

    def tree_expanded(self) -> bool:
        """Whether the checklist tree is shown open (it is opened when the page is shown)."""
        return not self._expand_pending

    def _show_loaded(self, loaded: bool) -> None:
        self.split.setVisible(loaded)
        self.placeholder.setVisible(not loaded)

    def _loaded_answers(
        self, result: tuple[Checklist, Any, ExpertAnswers, list[str]], session: Any = None
    ) -> None:
        if self.session is None or (session is not None and session is not self.session):
            return  # the case changed while its answers were being read
        self.checklist, self.self_result, self.answers, self.paths = result
        self.model.set_checklist(self.checklist, self.answers, self.self_result)
        # opened when the page is shown: expandAll lays the tree out and sizes its columns
        # there and then (the case opens on the overview)
        self._expand_pending = True
        if self.isVisible():
            self._expand()
        self._loaded = True
        self._show_loaded(True)
        self.rescore()
        first = self.model.index_of(next(iter(self.checklist.questions)))
        self.tree.setCurrentIndex(first)

    # ---------------------------------------------------------------- scoring
    def rescore(self) -> None:
        if self.checklist is None or self.answers is None:
            return
        self.result = services.score_answers(self.checklist, self.answers.core_answers())
        self.model.set_result(self.result)
        self._fit_columns()
        self._update_panel()

    def _update_panel(self) -> None:
        r = self.result
        if r is None or self.checklist is None:
            self.panel.setText("")
            return
        lines = [
            f"<h3>{_('Score {score} of {max}', score=show(r.score), max=show(r.max_score))}</h3>"
        ]
        if self.self_result is not None:
            claimed = self.self_result.claimed_score
            lines.append(
                _(
                    "Self-assessment: {score}, level {level}",
                    score=show(self.self_result.score),
                    level=self.self_result.level,
                )
                + (" · " + _("claimed {score}", score=claimed) if claimed is not None else "")
            )
        lines.append("<table>")
        for dim in self.checklist.dimensions:
            sub = r.dimensions.get(dim.id)
            if sub is not None:
                name = dim.name if get_language() != "en" else dim.name_en
                lines.append(
                    f"<tr><td>{name}</td><td align='right'>{show(sub.points)} / {show(sub.max_score)}</td></tr>"
                )
        lines.append("</table>")
        counts = ", ".join(
            f"≥{n}: {r.scenes_at_or_above.get(n, 0)} ({r.constrained_at_or_above.get(n, 0)})"
            for n in range(1, self.checklist.max_scene_level + 1)
        )
        lines.append(
            "<p>"
            + _("Scenes at or above each level (constrained): {counts}", counts=counts)
            + "</p>"
        )
        lines.append(f"<h3>{_('Level {level}', level=r.level)}</h3>")
        for check in r.level_checks:
            mark = "✓" if check.reached else "✗"
            lines.append(
                f"<div>{mark} "
                + _(
                    "level {level}: score {score}/{min_score}, scenes {scenes}/{min_scenes}, constrained {constrained}/{min_constrained}",
                    level=check.level,
                    score=show(check.score),
                    min_score=show(check.min_score),
                    scenes=check.scenes,
                    min_scenes=check.min_scenes,
                    constrained=check.constrained,
                    min_constrained=check.min_constrained_scenes,
                )
                + "</div>"
            )
        two = next((c for c in r.level_checks if c.level == 2), None)
        if two is not None and not two.reached:
            lines.append(f"<p><b>{_('What blocks level 2:')}</b><br>")
            lines.append("<br>".join(str(m) for m in two.missing()) + "</p>")
        elif r.blocking_next_level:
            lines.append(f"<p><b>{_('For the next level:')}</b><br>")
            lines.append("<br>".join(str(m) for m in r.blocking_next_level) + "</p>")
        if not thresholds_confirmed(self.checklist):
            lines.append(
                "<p style='color:#a05000'>⚠ "
                + _(
                    "The level thresholds of this checklist are not yet confirmed against the official annex; the level is provisional."
                )
                + self._source_text()
                + "</p>"
            )
        if r.contradictions:
            lines.append(
                "<p style='color:#a05000'>"
                + _(
                    "Answers that contradict their figures: {items}",
                    items=", ".join(q.question_id for q in r.contradictions),
                )
                + "</p>"
            )
        if self.answers is not None and self.answers.unsigned:
            lines.append(
                "<p>"
                + str(
                    nbi(
                        "{count} item changed and not signed yet (✎).",
                        "{count} items changed and not signed yet (✎).",
                        len(self.answers.unsigned),
                        count=len(self.answers.unsigned),
                    )
                )
                + "</p>"
            )
        missing = self.answers.unanswered() if self.answers is not None else []
        lines.append(
            "<p>"
            + (
                str(
                    nbi(
                        "{count} item unanswered.",
                        "{count} items unanswered.",
                        len(missing),
                        count=len(missing),
                    )
                )
                if missing
                else _("Every item is answered.")
            )
            + "</p>"
        )
        self.panel.setText("".join(lines))

    def _source_text(self) -> str:
        note = self.checklist.thresholds_source if self.checklist is not None else None
        if note is None:
            return ""
        text = note.text_en if get_language() == "en" else note.text
        return f"<br><small>{html.escape(text)}</small>" if text else ""

    # ---------------------------------------------------------------- the item editor
    def _current_changed(self, index: QModelIndex, _previous: QModelIndex) -> None:
        node = self.model.node(index)
        if node.kind in ("question", "scene"):
            self._show_item(node.id)

    def select_item(self, item_id: str) -> None:
        index = self.model.index_of(item_id)
        if index.isValid():
            self.tree.setCurrentIndex(index)
            self.tree.scrollTo(index)

    def _clear_options(self) -> None:
        for button in self.buttons.buttons():
            self.buttons.removeButton(button)
        while self.options_layout.count():
            w = self.options_layout.takeAt(0).widget()
            if w is not None:
                w.hide()
                w.deleteLater()
        while self.figures_form.rowCount():
            self.figures_form.removeRow(0)
        self.figure_edits = {}

    def _show_item(self, item_id: str) -> None:
        if self.checklist is None or self.answers is None:
            return
        self._updating = True
        self.current = item_id
        self._clear_options()
        answer = self.answers.get(item_id)
        question = self.checklist.questions.get(item_id)
        scene = self.checklist.scenes.get(item_id)
        if question is not None:
            kind = _("multiple choice") if question.is_multi else _("single choice")
            self.item_title.setText(f"{item_id} {question.name}")
            self.item_info.setText(
                _("{kind}, up to {max} points", kind=kind, max=show(question.max_score))
                + (f"\n{question.notes}" if question.notes else "")
            )
            self.options_box.setTitle(_("Options (press the letter in the tree)"))
            for row, option in enumerate(question.options):
                button: QAbstractButton = (
                    QCheckBox(option.letter, self.options_box)
                    if question.is_multi
                    else QRadioButton(option.letter, self.options_box)
                )
                if not question.is_multi:
                    button.setAutoExclusive(False)
                button.setProperty("letter", option.letter)
                button.setChecked(option.letter in answer.letters)
                self.buttons.addButton(button)
                text = QLabel(
                    _("{text} — {points} points", text=option.text, points=show(option.points)),
                    self.options_box,
                )
                text.setWordWrap(True)
                text.setBuddy(button)
                self.options_layout.addWidget(button, row, 0, Qt.AlignmentFlag.AlignTop)
                self.options_layout.addWidget(text, row, 1)
            spec = question.figures
            self.figures_box.setVisible(spec is not None)
            if spec is not None:
                description = spec.description if get_language() != "en" else spec.description_en
                formula = QLabel(labels.with_figure_names(description), self.figures_box)
                formula.setWordWrap(True)  # (a long formula widened the editor past its pane)
                self.figures_form.addRow(formula)
                for key in spec.keys:
                    edit = QLineEdit(answer.figures.get(key, ""), self.figures_box)
                    edit.setObjectName(f"figure-{key}")
                    edit.textEdited.connect(lambda text, k=key: self._figure_edited(k, text))
                    self.figure_edits[key] = edit
                    self.figures_form.addRow(str(labels.figure_caption(key)), edit)
                self.figures_note = QLabel(self.figures_box)
                self.figures_note.setWordWrap(True)
                self.figures_form.addRow(self.figures_note)
                self._update_figures_note()
            self.self_label.setText(self._self_text(item_id))
        elif scene is not None:
            self.item_title.setText(f"{item_id} {scene.name}")
            info = _("Scene group: {group}", group=scene.group_name)
            if scene.constrained:
                info += " · " + _("constrained scene (约束性场景)")
            if not scene.constrained_confirmed:
                info += " · ⚠ " + _(
                    "whether this scene is constrained is not yet confirmed against the official annex"
                )
            self.item_info.setText(info)
            self.options_box.setTitle(_("Level reached (press 0–4 in the tree)"))
            levels = [(0, _("Not at level 1")), *sorted(scene.levels.items())]
            for row, (level, text) in enumerate(levels):
                button = QRadioButton(str(level), self.options_box)
                button.setAutoExclusive(False)
                button.setProperty("level", level)
                button.setChecked(answer.level == level)
                self.buttons.addButton(button)
                label = QLabel(text, self.options_box)
                label.setWordWrap(True)
                label.setBuddy(button)
                self.options_layout.addWidget(button, row, 0, Qt.AlignmentFlag.AlignTop)
                self.options_layout.addWidget(label, row, 1)
            self.figures_box.hide()
            self.self_label.setText(self._self_text(item_id))
        self.evidence_list.clear()
        self.evidence_list.addItems(answer.evidence)
        self.comment.setPlainText(answer.comment)
        self._updating = False

    def _self_text(self, item_id: str) -> str:
        sa = self.session.package.self_assessment if self.session is not None else None
        item = sa.items.get(item_id) if sa is not None else None
        if item is None:
            return _("Self-assessment: not answered.")
        if item_id in (self.checklist.scenes if self.checklist else {}):
            text = _("Self-assessment: level {level}", level=item.level)
        else:
            q = self.self_result.questions.get(item_id) if self.self_result else None
            letters = ",".join(q.letters) if q is not None and q.letters else "–"
            points = show(q.points) if q is not None else "0"
            text = _("Self-assessment: {answer} ({points} points)", answer=letters, points=points)
            if item.figures:
                text += " · " + ", ".join(
                    f"{labels.figure(k)} = {v}" for k, v in item.figures.items()
                )
        if item.evidence:
            links = ", ".join(f"<a href='{p}'>{p}</a>" for p in item.evidence)
            text += "<br>" + _("its evidence: {links}", links=links)
        return text

    def _update_figures_note(self) -> None:
        if self.result is None or self.current is None or not self.figure_edits:
            return
        q = self.result.questions.get(self.current)
        fig = q.figures if q is not None else None
        if fig is None:
            self.figures_note.setText("")
            return
        note = fig.note_en if get_language() == "en" else fig.note_zh
        if q is not None and q.contradiction:
            note += "\n" + _("The chosen answer contradicts these figures; the answer scores.")
        self.figures_note.setText(note)

    def _button_clicked(self, button: QAbstractButton) -> None:
        if self._updating or self.current is None:
            return
        letter = button.property("letter")
        level = button.property("level")
        if letter:
            self.toggle_option(self.current, str(letter))
        elif level is not None:
            self.set_level(self.current, int(level), toggle=True)

    # ---------------------------------------------------------------- changing answers
    def toggle_option(self, item_id: str, letter: str, *, keep_single: bool = False) -> None:
        """Tick/untick option ``letter``; with ``keep_single`` a single choice already
        chosen stays chosen (a key press), otherwise it is unticked (a click)."""
        if self.answers is None or item_id not in self.answers.checklist.questions:
            return
        question = self.answers.checklist.questions[item_id]
        if keep_single and not question.is_multi and self.answers.get(item_id).letters == (letter,):
            return
        self.answers.toggle(item_id, letter)
        self._changed(item_id)

    def set_level(self, item_id: str, level: int, *, toggle: bool = False) -> None:
        """Set a scene's level (``toggle``: the same level again clears it, as a click on
        the checked button does)."""
        if self.answers is None or item_id not in self.answers.checklist.scenes:
            return
        if not 0 <= level <= self.answers.checklist.max_scene_level:
            return
        a = self.answers.get(item_id)
        a.level = None if toggle and a.level == level else level
        self._changed(item_id)

    def clear_current(self) -> None:
        if self.answers is None or self.current is None:
            return
        a = self.answers.get(self.current)
        a.letters = ()
        a.level = None
        self._changed(self.current)

    def _figure_edited(self, key: str, text: str) -> None:
        if self._updating or self.answers is None or self.current is None:
            return
        a = self.answers.get(self.current)
        if text.strip():
            a.figures[key] = text.strip()
        else:
            a.figures.pop(key, None)
        edit = self.figure_edits.get(key)
        if edit is not None:
            edit.setStyleSheet("" if not text.strip() or is_decimal(text) else "color: #b00000")
        self._changed(self.current, refresh_editor=False)

    def _comment_changed(self) -> None:
        if self._updating or self.answers is None or self.current is None:
            return
        self.answers.get(self.current).comment = self.comment.toPlainText()
        self._changed(self.current, refresh_editor=False)

    def add_evidence(self, paths: list[str]) -> None:
        if self.answers is None or self.current is None:
            return
        a = self.answers.get(self.current)
        added = [p for p in paths if p in self.paths and p not in a.evidence]
        if not added:
            return
        a.evidence.extend(added)
        self.evidence_list.addItems(added)
        self._changed(self.current, refresh_editor=False)

    def pick_evidence(self) -> None:
        if not self.paths:
            return
        path, ok = QInputDialog.getItem(
            self, _("Add evidence"), _("File of the case package:"), self.paths, 0, False
        )
        if ok and path:
            self.add_evidence([path])

    def remove_evidence(self) -> None:
        if self.answers is None or self.current is None:
            return
        item = self.evidence_list.currentItem()
        if item is None:
            return
        a = self.answers.get(self.current)
        if item.text() in a.evidence:
            a.evidence.remove(item.text())
        self.evidence_list.takeItem(self.evidence_list.row(item))
        self._changed(self.current, refresh_editor=False)

    def _show_evidence(self, path: str) -> None:
        self.context.evidence_requested.emit(path, None, None)
        self.context.navigate.emit("evidence")

    def _changed(self, item_id: str, *, refresh_editor: bool = True) -> None:
        self._dirty.add(item_id)
        if self.answers is not None:
            self.answers.unsigned.add(item_id)
        self.timer.start()
        self.save_state.setText(_("Saving…"))
        self.rescore()
        self.model.item_changed(item_id)
        if item_id == self.current:
            if refresh_editor:
                self._updating = True
                a = self.answers.get(item_id) if self.answers is not None else None
                for button in self.buttons.buttons():
                    letter = button.property("letter")
                    level = button.property("level")
                    if a is not None and letter:
                        button.setChecked(letter in a.letters)
                    elif a is not None and level is not None:
                        button.setChecked(a.level == level)
                self._updating = False
            self._update_figures_note()

    # ---------------------------------------------------------------- drafts and signing
    def save_drafts(self) -> None:
        """Write the changed items as drafts now (through the serial store pool)."""
        self.timer.stop()
        if self.session is None or self.answers is None or not self._dirty:
            return
        session = self.session
        home = session.home
        work: list[tuple[str, dict[str, Any] | None]] = [
            (DRAFT_PREFIX + item, self.answers.payload(item)) for item in sorted(self._dirty)
        ]
        self._dirty.clear()

        def write() -> int:
            for key, payload in work:
                if payload is None:
                    services.delete_draft(home, session, key)
                else:
                    services.save_draft(home, session, key, payload)
            return len(work)

        run_task(
            write,
            on_done=lambda n: self.save_state.setText(_("Draft saved.")),
            on_error=lambda exc: self.context.show_error(exc, self),
            pass_progress=False,
            serial=True,
            name="scoring-autosave",
        )

    def next_unanswered(self) -> None:
        if self.answers is None:
            return
        order = self.model.item_ids()
        missing = set(self.answers.unanswered())
        start = order.index(self.current) + 1 if self.current in order else 0
        for item in order[start:] + order[:start]:
            if item in missing:
                self.select_item(item)
                self.tree.setFocus()
                return

    def sign(self) -> None:
        if self.session is None:
            return
        self.save_drafts()
        session = self.session

        def then(signer: Any) -> None:
            def work() -> int:
                keys = [
                    d.key
                    for d in services.list_drafts(session.home, session)
                    if d.key.startswith(DRAFT_PREFIX)
                ]
                if not keys:
                    return 0
                return len(services.sign_drafts(session.home, session, signer=signer, keys=keys))

            run_task(
                work,
                on_done=self._signed,
                on_error=lambda exc: self.context.show_error(exc, self),
                pass_progress=False,
                serial=True,
                name="scoring-sign",
            )

        self.context.with_signer(self, then)

    def _signed(self, count: int) -> None:
        if self.answers is not None:
            self.answers.unsigned.clear()
            self.rescore()
        self.save_state.setText(
            str(nbi("{count} answer signed.", "{count} answers signed.", count, count=count))
            if count
            else _("Nothing new to sign.")
        )
        self.context.session_changed.emit()

    # ---------------------------------------------------------------- keyboard
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.tree and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if self._tree_key(event):
                return True
        return super().eventFilter(watched, event)

    def _tree_key(self, event: QKeyEvent) -> bool:
        if self.current is None or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        ):
            return False
        node = self.model.node(self.tree.currentIndex())
        if node.kind not in ("question", "scene"):
            return False
        text = event.text().upper()
        key = event.key()
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.clear_current()
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            first = next(iter(self.buttons.buttons()), None)
            if first is not None:
                first.setFocus()
            return True
        if node.kind == "question" and len(text) == 1 and text.isalpha():
            self.toggle_option(node.id, text, keep_single=True)
            return True
        if node.kind == "scene" and len(text) == 1 and text.isdigit():
            self.set_level(node.id, int(text))
            return True
        return False
