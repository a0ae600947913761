"""结论 — the conclusion: recommendation, summary, requirements, grounds; review; sign.

What is typed autosaves as the case's ``conclusion`` draft (a short pause after each change,
and when the window closes); reopening the case, even after a crash, restores it. The review
beside it lists the questions and scenes not yet answered, the flags not yet decided, and the
outcome rules' refusals of the conclusion as typed (core:
:func:`inspector_app.services.conclusion.review_conclusion`). Signing asks for the passphrase
(once per app session) and signs the draft.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import N_, _
from ui.pages import Page, PageContext, register
from ui.tasks import run_task
from ui.text import shown

RECOMMENDATIONS = (
    ("pass", N_("&Pass")),
    ("improve", N_("&Improve within a deadline")),
    ("disqualify", N_("&Disqualify")),
)
AUTOSAVE_MS = 800
GROUND_ROLE = Qt.ItemDataRole.UserRole + 1


@register
class ConclusionPage(Page):
    name = "conclusion"

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.review: Any = None
        self._restoring = False
        self._dirty = False
        self._review_pending = False
        self._review_generation = 0
        self.autosave = QTimer(self)
        self.autosave.setSingleShot(True)
        self.autosave.setInterval(AUTOSAVE_MS)
        self.autosave.timeout.connect(self.flush_drafts)

        self.rec_box = QGroupBox()
        self.rec_group = QButtonGroup(self)
        self.rec_buttons: dict[str, QRadioButton] = {}
        rec_layout = QHBoxLayout(self.rec_box)
        for key, _label in RECOMMENDATIONS:
            button = QRadioButton()
            button.setObjectName(f"rec-{key}")
            self.rec_buttons[key] = button
            self.rec_group.addButton(button)
            rec_layout.addWidget(button)
        rec_layout.addStretch(1)
        self.rec_group.buttonToggled.connect(self._changed)

        self.summary_label = QLabel()
        self.summary = QPlainTextEdit()
        self.summary.setObjectName("summary")
        self.summary.setTabChangesFocus(True)
        self.summary_label.setBuddy(self.summary)
        self.requirements_label = QLabel()
        self.requirements = QPlainTextEdit()
        self.requirements.setObjectName("requirements")
        self.requirements.setTabChangesFocus(True)
        self.requirements_label.setBuddy(self.requirements)
        self.grounds_label = QLabel()
        self.grounds = QListWidget()
        self.grounds.setObjectName("grounds")
        self.grounds_label.setBuddy(self.grounds)
        for edit in (self.summary, self.requirements):
            edit.textChanged.connect(self._changed)
        self.grounds.itemChanged.connect(self._ground_toggled)
        #: the grounds chosen: flag id or finding id -> "flag" / "finding" (kept while the
        #: list of candidates reloads)
        self._chosen: dict[str, str] = {}

        self.saved_label = QLabel()
        self.saved_label.setObjectName("saved-state")
        self.sign_button = QPushButton()
        self.sign_button.setObjectName("sign")
        self.sign_button.clicked.connect(self.sign)

        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.rec_box)
        ll.addWidget(self.summary_label)
        ll.addWidget(self.summary, 2)
        ll.addWidget(self.requirements_label)
        ll.addWidget(self.requirements, 1)
        ll.addWidget(self.grounds_label)
        ll.addWidget(self.grounds, 1)
        row = QHBoxLayout()
        row.addWidget(self.saved_label, 1)
        row.addWidget(self.sign_button)
        ll.addLayout(row)

        self.review_box = QGroupBox()
        self.review_text = QLabel()
        self.review_text.setObjectName("review")
        self.review_text.setWordWrap(True)
        self.review_text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.review_text.setTextFormat(Qt.TextFormat.RichText)
        self.review_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        QVBoxLayout(self.review_box).addWidget(self.review_text)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.review_box)
        splitter.setSizes([640, 420])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.retranslate()

    def title(self) -> str:
        return _("Conclusion")

    def retranslate(self) -> None:
        self.rec_box.setTitle(_("Recommendation"))
        for key, label in RECOMMENDATIONS:
            self.rec_buttons[key].setText(_(label))
        self.summary_label.setText(_("&Summary:"))
        self.requirements_label.setText(_("Improvement &requirements (one per line):"))
        self.grounds_label.setText(
            _("&Grounds of a disqualification (confirmed flags, observations):")
        )
        self.sign_button.setText(_("Review and &sign…"))
        self.review_box.setTitle(_("Before signing"))
        self._show_review()

    # ------------------------------------------------------------------ the form

    def recommendation(self) -> str | None:
        for key, button in self.rec_buttons.items():
            if button.isChecked():
                return key
        return None

    def payload(self) -> dict[str, Any]:
        from inspector_app.services.conclusion import conclusion_payload

        flags = sorted(ref for ref, kind in self._chosen.items() if kind == "flag")
        findings = sorted(ref for ref, kind in self._chosen.items() if kind != "flag")
        lines = self.requirements.toPlainText().splitlines()
        return conclusion_payload(
            self.recommendation() or "",
            self.summary.toPlainText().strip(),
            [line.strip() for line in lines if line.strip()],
            flags,
            findings,
        )

    def _fill(self, data: dict[str, Any]) -> None:
        self._restoring = True
        try:
            rec = data.get("recommendation")
            self.rec_group.setExclusive(False)
            for key, button in self.rec_buttons.items():
                button.setChecked(key == rec)
            self.rec_group.setExclusive(True)
            self.summary.setPlainText(str(data.get("summary", "")))
            self.requirements.setPlainText("\n".join(map(str, data.get("requirements") or [])))
            grounds = data.get("grounds") or {}
            self._chosen = dict.fromkeys(grounds.get("flags", []), "flag")
            self._chosen.update(dict.fromkeys(grounds.get("findings", []), "finding"))
        finally:
            self._restoring = False

    @Slot(QListWidgetItem)
    def _ground_toggled(self, item: QListWidgetItem) -> None:
        if self._restoring:
            return
        kind, ref = item.data(GROUND_ROLE)
        if item.checkState() == Qt.CheckState.Checked:
            self._chosen[ref] = "flag" if kind == "flag" else "finding"
        else:
            self._chosen.pop(ref, None)
        self._changed()

    @Slot()
    def _changed(self, *_args: Any) -> None:
        if self._restoring or self.session is None:
            return
        self._dirty = True
        self.saved_label.setText(_("Draft not yet saved…"))
        self.autosave.start()
        self.grounds.setEnabled(self.recommendation() == "disqualify")

    # ------------------------------------------------------------------ session, drafts

    def set_session(self, session: Any) -> None:
        if self.session is not None and self._dirty:
            self.flush_drafts()
        super().set_session(session)
        self.review = None
        self._fill({})
        self.grounds.clear()
        self.saved_label.setText("")
        self._dirty = False
        if session is not None:
            run_task(load_state, session, on_done=self._loaded, on_error=self.context.show_error)

    def refresh(self) -> None:
        self._request_review()

    def prepare_screenshot(self) -> None:
        if self.session is not None:
            from inspector_app import identity
            from inspector_app.services.conclusion import review_conclusion

            self._loaded(load_state(self.session))
            if identity.exists(self.session.home):
                self._reviewed(review_conclusion(self.session, self.payload()))

    @Slot(object)
    def _loaded(self, state: dict[str, Any]) -> None:
        draft = state.get("draft")
        current = state.get("current")
        if draft is not None:
            self._fill(draft)
            self.saved_label.setText(
                _(
                    "Restored the unsigned draft of {when}.",
                    when=state["draft_at"][:16].replace("T", " "),
                )
            )
        elif current is not None:
            self._fill(current)
            self.saved_label.setText(_("This is the conclusion you signed."))
        if state.get("no_identity"):
            self.review_text.setText(_("This device has no identity yet: nothing can be signed."))
            self.sign_button.setEnabled(False)
            return
        self._request_review()

    @Slot()
    def flush_drafts(self) -> None:
        """Save what is typed as the case's unsigned ``conclusion`` draft."""
        self.autosave.stop()
        if self.session is None or not self._dirty:
            return
        from inspector_app.services.conclusion import CONCLUSION_DRAFT
        from inspector_app.services.findings import save_draft

        self._dirty = False
        payload = self.payload()
        run_task(
            save_draft,
            self.session.home,
            self.session,
            CONCLUSION_DRAFT,
            payload,
            serial=True,
            pass_progress=False,
            on_done=lambda _d: self.saved_label.setText(_("Draft saved (not signed).")),
            on_error=self.context.show_error,
        )
        self._request_review()

    # ------------------------------------------------------------------ review

    def _request_review(self) -> None:
        from inspector_app import identity

        if self.session is None or not identity.exists(self.session.home):
            return
        from inspector_app.services.conclusion import review_conclusion

        # reviews run on the pool and may finish out of order: only the latest request's
        # result is shown (an older one would show refusals of a payload no longer typed)
        self._review_generation += 1
        generation = self._review_generation

        def done(review: Any) -> None:
            if generation == self._review_generation:
                self._reviewed(review)

        run_task(
            review_conclusion,
            self.session,
            self.payload(),
            pass_progress=False,
            on_done=done,
            on_error=self.context.show_error,
        )

    @Slot(object)
    def _reviewed(self, review: Any) -> None:
        self.review = review
        chosen = self._chosen
        self._restoring = True
        self.grounds.clear()
        for ground in review.grounds:
            item = QListWidgetItem(shown(ground.label))
            item.setData(GROUND_ROLE, (ground.kind, ground.ref))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if ground.ref in chosen else Qt.CheckState.Unchecked
            )
            self.grounds.addItem(item)
        self._restoring = False
        self.grounds.setEnabled(self.recommendation() == "disqualify")
        self._show_review()

    def _show_review(self) -> None:
        review = self.review
        if review is None:
            self.review_text.setText(_("Open a case to write its conclusion."))
            return
        parts: list[str] = []

        def section(title: str, lines: list[str]) -> None:
            parts.append(f"<p><b>{title}</b></p>")
            if lines:
                parts.append("<ul>" + "".join(f"<li>{_escape(x)}</li>" for x in lines) + "</ul>")

        level = (
            _("none yet: the scoring is not complete")
            if review.level is None
            else _("level {level}", level=review.level)
        )
        section(_("Level of your scoring: {level}", level=level), [])
        if review.unanswered:
            section(
                _("Questions and scenes not answered yet ({count}):", count=len(review.unanswered)),
                [", ".join(review.unanswered)],
            )
        else:
            section(_("Every question and scene is answered."), [])
        if review.undecided_flags:
            section(
                _("Red flags not decided yet ({count}):", count=len(review.undecided_flags)),
                list(review.undecided_flags),
            )
        else:
            section(_("Every red flag is decided."), [])
        if review.stale:
            section(_("Your signed conclusion needs review: one of its grounds was withdrawn."), [])
        if review.refusals:
            section(
                _("The outcome rules refuse this conclusion:"),
                [shown(r.message) for r in review.refusals],
            )
        else:
            section(_("The outcome rules accept this conclusion."), [])
        self.review_text.setText("".join(parts))
        self.sign_button.setEnabled(not review.refusals)

    # ------------------------------------------------------------------ signing

    def sign(self) -> None:
        """Save the draft and sign it (the passphrase is asked once per app session)."""
        if self.session is None:
            return
        if self.review is not None and self.review.refusals:
            self.context.show_error(
                _("The outcome rules refuse this conclusion; see the list beside it."), self
            )
            return
        session = self.session
        payload = self.payload()

        def go(signer: Any) -> None:
            run_task(
                sign_conclusion,
                session,
                payload,
                signer,
                serial=True,
                pass_progress=False,
                on_done=self._signed,
                on_error=self.context.show_error,
            )

        self.autosave.stop()
        self._dirty = False
        self.context.with_signer(self, go)

    @Slot(object)
    def _signed(self, _findings: Any) -> None:
        self.saved_label.setText(_("Signed. The case is concluded."))
        self.context.session_changed.emit()
        self._request_review()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def load_state(session: Any, progress: Any = None, cancel: Any = None) -> dict[str, Any]:
    """The case's unsigned conclusion draft (if any) and this device's signed conclusion."""
    from inspector_app import identity
    from inspector_app.services.conclusion import CONCLUSION_DRAFT
    from inspector_app.services.findings import list_drafts, list_findings

    session.analysis(progress=progress, cancel=cancel)
    drafts = {d.key: d for d in list_drafts(session.home, session)}
    if not identity.exists(session.home):  # nothing signed yet on this device
        draft = drafts.get(CONCLUSION_DRAFT)
        return {
            "draft": draft.payload if draft else None,
            "draft_at": draft.updated_at if draft else "",
            "current": None,
            "no_identity": True,
        }
    signer = identity.load(session.home).fingerprint
    current = [
        f.data
        for f in list_findings(session.home, session, kind="conclusion")
        if f.record.signer == signer
    ]
    draft = drafts.get(CONCLUSION_DRAFT)
    return {
        "draft": draft.payload if draft else None,
        "draft_at": draft.updated_at if draft else "",
        "current": current[-1] if current else None,
    }


def sign_conclusion(session: Any, payload: dict[str, Any], signer: Any) -> Any:
    """Save ``payload`` as the conclusion draft and sign it (all or nothing)."""
    from inspector_app.services.conclusion import CONCLUSION_DRAFT
    from inspector_app.services.findings import save_draft, sign_drafts

    save_draft(session.home, session, CONCLUSION_DRAFT, payload)
    return sign_drafts(session.home, session, signer=signer, keys=[CONCLUSION_DRAFT])
