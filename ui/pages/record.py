"""现场记录 On-site record: observations with photos, and interview notes (访谈记录).

Each entry is an ``observation`` (text + photos) or ``interview`` (person, role, question and
answer pairs) finding of the case. While it is written it is a draft (``observation:<id>`` /
``interview:<id>``, autosaved); photos imported from a camera folder or a phone are copied
into the workspace at once (:func:`inspector_app.evidence.onsite.import_photos`), so the draft
keeps them. "Sign" turns the draft into a signed finding with its photos attached.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QSize, Qt, QTimer
from PySide6.QtGui import (
    QIcon,
    QImage,
    QImageReader,
    QKeySequence,
    QPixmap,
    QShortcut,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector_app import services
from inspector_app.evidence.onsite import OnsitePhoto, import_photos, onsite_dir
from inspector_app.i18n import _, nbi
from ui.pages import Page, PageContext, register
from ui.pages.evidence import _wait
from ui.tasks import run_task

KINDS = ("observation", "interview")
AUTOSAVE_MS = 400
_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class RecordEntry:
    """One on-site entry: a signed finding (``finding_id``) or a draft (``key``)."""

    kind: str
    key: str | None
    finding_id: str | None
    payload: dict[str, Any]

    @property
    def signed(self) -> bool:
        return self.finding_id is not None

    def summary(self) -> str:
        if self.kind == "observation":
            text = str(self.payload.get("text") or "").strip().splitlines()
            head = text[0] if text else _("(no text yet)")
            photos = len(self.payload.get("attachments") or [])
            return str(
                nbi(
                    "Observation: {text} · {n} photo",
                    "Observation: {text} · {n} photos",
                    photos,
                    text=head[:60],
                )
            )
        person = str(self.payload.get("person") or "").strip() or _("(no name yet)")
        role = str(self.payload.get("role") or "").strip()
        if role:
            return _("Interview: {person} ({role})", person=person, role=role)
        return _("Interview: {person}", person=person)


def load_entries(session: Any) -> list[RecordEntry]:
    """Work function: the case's current observations and interviews, then the drafts."""
    out: list[RecordEntry] = []
    for kind in KINDS:
        for f in services.list_findings(session.home, session, kind=kind):
            if f.origin == "local":
                out.append(RecordEntry(kind, None, f.record.finding_id, dict(f.data)))
    for d in services.list_drafts(session.home, session):
        kind = d.key.split(":", 1)[0]
        if kind in KINDS:
            out.append(RecordEntry(kind, d.key, None, dict(d.payload)))
    return out


class RecordListModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.entries: list[RecordEntry] = []

    def set_entries(self, entries: list[RecordEntry]) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.entries)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.entries):
            return None
        entry = self.entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            state = _("Signed") if entry.signed else _("Draft")
            return f"[{state}] {entry.summary()}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return entry.finding_id or entry.key
        return None


def thumbnail_images(files: list[str], size: int = 96) -> dict[str, QImage]:
    """Work function (any thread: a QImage, never a QPixmap): small images of ``files``."""
    out: dict[str, QImage] = {}
    for name in files:
        reader = QImageReader(name)
        reader.setAutoTransform(True)
        original = reader.size()
        if original.isValid() and original.width() > 0:
            reader.setScaledSize(original.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio))
        image = reader.read()
        if not image.isNull():
            out[name] = image
    return out


@register
class RecordPage(Page):
    name = "record"

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.entry: RecordEntry | None = None
        self.key: str | None = None
        self.kind: str | None = None
        self._updating = False
        self._loaded = False
        self._thumbs: dict[str, QIcon] = {}

        self.list_model = RecordListModel(self)
        self.list_model.modelReset.connect(self._update_empty)
        self.list = QListView(self)
        self.list.setObjectName("record-list")
        self.list.setModel(self.list_model)
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.selectionModel().currentChanged.connect(self._entry_chosen)
        self.new_observation = QPushButton(self)
        self.new_observation.clicked.connect(lambda: self.new_entry("observation"))
        self.new_interview = QPushButton(self)
        self.new_interview.clicked.connect(lambda: self.new_entry("interview"))
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.empty = QLabel(left)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        left_layout.addWidget(self.empty)
        left_layout.addWidget(self.list, 1)
        left_layout.addWidget(self.new_observation)
        left_layout.addWidget(self.new_interview)

        # observation editor
        self.obs = QWidget(self)
        self.obs_label = QLabel(self.obs)
        self.obs_text = QPlainTextEdit(self.obs)
        self.obs_text.setObjectName("observation-text")
        self.obs_text.setTabChangesFocus(True)
        self.obs_text.textChanged.connect(self._edited)
        self.obs_label.setBuddy(self.obs_text)
        self.photos_label = QLabel(self.obs)
        self.photos = QListWidget(self.obs)
        self.photos.setObjectName("observation-photos")
        self.photos.setViewMode(QListWidget.ViewMode.IconMode)
        self.photos.setIconSize(QSize(96, 96))
        self.photos.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.photos.setMinimumHeight(140)
        self.photos_label.setBuddy(self.photos)
        # the caption says when there is no photo (an empty pane says nothing)
        self.photos.model().rowsInserted.connect(self._photos_caption)
        self.photos.model().rowsRemoved.connect(self._photos_caption)
        self.import_folder = QPushButton(self.obs)
        self.import_folder.clicked.connect(self._choose_folder)
        self.add_photos = QPushButton(self.obs)
        self.add_photos.clicked.connect(self._choose_files)
        self.remove_photo = QPushButton(self.obs)
        self.remove_photo.clicked.connect(self._remove_photo)
        photo_buttons = QHBoxLayout()
        for b in (self.import_folder, self.add_photos, self.remove_photo):
            photo_buttons.addWidget(b)
        photo_buttons.addStretch(1)
        obs_layout = QVBoxLayout(self.obs)
        obs_layout.addWidget(self.obs_label)
        obs_layout.addWidget(self.obs_text, 2)
        obs_layout.addWidget(self.photos_label)
        obs_layout.addWidget(self.photos, 2)
        obs_layout.addLayout(photo_buttons)

        # interview editor
        self.itv = QWidget(self)
        self.person = QLineEdit(self.itv)
        self.person.setObjectName("interview-person")
        self.person.textEdited.connect(self._edited)
        self.role = QLineEdit(self.itv)
        self.role.setObjectName("interview-role")
        self.role.textEdited.connect(self._edited)
        self.person_label = QLabel(self.itv)
        self.person_label.setBuddy(self.person)
        self.role_label = QLabel(self.itv)
        self.role_label.setBuddy(self.role)
        form = QFormLayout()
        form.addRow(self.person_label, self.person)
        form.addRow(self.role_label, self.role)
        self.notes_model = QStandardItemModel(0, 2, self)
        self.notes_model.itemChanged.connect(lambda _item: self._edited())
        self.notes = QTableView(self.itv)
        self.notes.setObjectName("interview-notes")
        self.notes.setModel(self.notes_model)
        self.notes.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.notes.setWordWrap(True)
        self.add_note = QPushButton(self.itv)
        self.add_note.clicked.connect(lambda: self.add_qa("", ""))
        self.remove_note = QPushButton(self.itv)
        self.remove_note.clicked.connect(self._remove_qa)
        note_buttons = QHBoxLayout()
        note_buttons.addWidget(self.add_note)
        note_buttons.addWidget(self.remove_note)
        note_buttons.addStretch(1)
        itv_layout = QVBoxLayout(self.itv)
        itv_layout.addLayout(form)
        itv_layout.addWidget(self.notes, 1)
        itv_layout.addLayout(note_buttons)

        self.hint = QLabel(self)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.stack = QStackedWidget(self)
        for w in (self.hint, self.obs, self.itv):
            self.stack.addWidget(w)
        self.sign_button = QPushButton(self)
        self.sign_button.setObjectName("sign-record")
        self.sign_button.clicked.connect(self.sign)
        self.state = QLabel(self)
        bottom = QHBoxLayout()
        bottom.addWidget(self.state, 1)
        bottom.addWidget(self.sign_button)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.stack, 1)
        right_layout.addLayout(bottom)
        split = QSplitter(self)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 2)
        split.setSizes([380, 800])
        layout = QVBoxLayout(self)
        layout.addWidget(split)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(AUTOSAVE_MS)
        self.timer.timeout.connect(self.save_draft)
        QShortcut(QKeySequence("Ctrl+Shift+O"), self, lambda: self.new_entry("observation"))
        QShortcut(QKeySequence("Ctrl+Shift+I"), self, lambda: self.new_entry("interview"))
        QShortcut(QKeySequence("Ctrl+Shift+S"), self, self.sign)
        self.retranslate()
        self._set_editor(None)

    # ---------------------------------------------------------------- page contract
    def title(self) -> str:
        return _("On-site record")

    def retranslate(self) -> None:
        self.new_observation.setText(_("New &observation (Ctrl+Shift+O)"))
        self.new_interview.setText(_("New &interview (Ctrl+Shift+I)"))
        self.obs_label.setText(_("What you &saw:"))
        self._photos_caption()
        self.import_folder.setText(_("Import photos from a &folder…"))
        self.add_photos.setText(_("Add photo &files…"))
        self.remove_photo.setText(_("Remove photo"))
        self.person_label.setText(_("&Person:"))
        self.role_label.setText(_("&Role:"))
        self.notes_model.setHorizontalHeaderLabels([_("Question"), _("Answer")])
        self.add_note.setText(_("&Add question"))
        self.remove_note.setText(_("Remove question"))
        self.sign_button.setText(_("Si&gn this entry (Ctrl+Shift+S)"))
        self.empty.setText(
            _(
                "No observations or interviews yet. Write down what you see on site, with photos from the camera or phone, and the answers of the people you talk to."
            )
        )
        self.hint.setText(
            _("Choose an entry, or start a new observation or interview.")
            if self.session is not None
            else _("No case is open.")
        )
        rows = self.list_model.rowCount()
        if rows:
            self.list_model.dataChanged.emit(
                self.list_model.index(0, 0), self.list_model.index(rows - 1, 0)
            )

    def set_session(self, session: Any) -> None:
        if self.session is not None and self.timer.isActive():
            self.save_draft()
        super().set_session(session)
        self._loaded = False
        self.list_model.set_entries([])
        self._set_editor(None)
        self.retranslate()
        if session is not None:
            self.reload()

    def ready(self) -> bool:
        return self._loaded

    def _update_empty(self) -> None:
        self.empty.setVisible(self.list_model.rowCount() == 0)

    def prepare_screenshot(self) -> None:
        """For ``gui --page record --screenshot``: wait for the entries, show the first."""
        _wait(self.ready)
        if self.list_model.rowCount():
            self.list.setCurrentIndex(self.list_model.index(0, 0))

    def flush_drafts(self) -> None:
        """Write the entry being typed now and wait for it (the window is closing)."""
        from ui.tasks import wait_all

        if self.timer.isActive():
            self.save_draft()
        wait_all(10_000)

    def reload(self) -> None:
        if self.session is None:
            return
        self._loaded = False
        run_task(
            load_entries,
            self.session,
            on_done=lambda entries, s=self.session: self._entries_loaded(entries, s),
            on_error=lambda exc: self.context.show_error(exc, self),
            pass_progress=False,
            serial=True,
            name="record-load",
        )

    def _entries_loaded(self, entries: list[RecordEntry], session: Any = None) -> None:
        if session is not None and session is not self.session:
            return  # the case changed while its entries were being read
        self.list_model.set_entries(entries)
        self._loaded = True
        if self.key is not None:
            for row, e in enumerate(entries):
                if e.key == self.key:
                    self.list.setCurrentIndex(self.list_model.index(row, 0))

    # ---------------------------------------------------------------- editing
    def _set_editor(self, entry: RecordEntry | None) -> None:
        self._updating = True
        self.entry = entry
        self.kind = entry.kind if entry is not None else None
        self.key = entry.key if entry is not None else None
        editable = entry is not None and not entry.signed
        if entry is None:
            self.stack.setCurrentWidget(self.hint)
        elif entry.kind == "observation":
            self.obs_text.setPlainText(str(entry.payload.get("text") or ""))
            self.photos.clear()
            for ref in entry.payload.get("attachments") or []:
                self._add_photo_item(ref)
            self._load_thumbnails()
            self._photos_caption()
            self.stack.setCurrentWidget(self.obs)
        else:
            self.person.setText(str(entry.payload.get("person") or ""))
            self.role.setText(str(entry.payload.get("role") or ""))
            self.notes_model.removeRows(0, self.notes_model.rowCount())
            for note in entry.payload.get("notes") or []:
                if isinstance(note, dict):
                    self.add_qa(str(note.get("q", "")), str(note.get("a", "")))
            self.stack.setCurrentWidget(self.itv)
        for w in (self.obs_text, self.person, self.role):
            w.setReadOnly(not editable)
        self.notes.setEnabled(entry is not None)
        for b in (
            self.import_folder,
            self.add_photos,
            self.remove_photo,
            self.add_note,
            self.remove_note,
            self.sign_button,
        ):
            b.setEnabled(editable)
        if entry is not None and entry.signed:
            self.state.setText(_("Signed; a signed entry is never changed."))
        else:
            self.state.setText("")
        self._updating = False

    def _photos_caption(self, *_args: Any) -> None:
        if self.photos.count():
            self.photos_label.setText(_("&Photos:"))
        elif getattr(self, "entry", None) is not None and self.entry.signed:
            self.photos_label.setText(_("&Photos: none"))
        else:
            self.photos_label.setText(
                _("&Photos: none yet (import them from a folder or add files)")
            )

    def _add_photo_item(self, ref: Any) -> None:
        if isinstance(ref, dict):  # a signed attachment reference
            item = QListWidgetItem(str(ref.get("name", "")))
            item.setToolTip(str(ref.get("sha256", "")))
        else:
            path = Path(str(ref))
            icon = self._thumbs.get(str(path))
            item = QListWidgetItem(path.name.split("-", 1)[-1])
            if icon is not None:
                item.setIcon(icon)
            item.setToolTip(str(path))
            item.setData(Qt.ItemDataRole.UserRole, str(path))
        self.photos.addItem(item)

    def _load_thumbnails(self) -> None:
        """Decode the missing thumbnails off the UI thread (camera photos are large)."""
        missing = [p for p in self._photo_paths() if p not in self._thumbs]
        if missing:
            run_task(
                thumbnail_images,
                missing,
                on_done=self._thumbnails_ready,
                pass_progress=False,
                name="record-thumbnails",
            )

    def _thumbnails_ready(self, images: dict[str, QImage]) -> None:
        for name, image in images.items():
            self._thumbs[name] = QIcon(QPixmap.fromImage(image))
        for i in range(self.photos.count()):
            item = self.photos.item(i)
            icon = self._thumbs.get(str(item.data(Qt.ItemDataRole.UserRole) or ""))
            if icon is not None:
                item.setIcon(icon)

    def _entry_chosen(self, index: QModelIndex, _previous: QModelIndex) -> None:
        if self.timer.isActive():
            self.save_draft()
        if index.isValid():
            self._set_editor(self.list_model.entries[index.row()])

    def new_entry(self, kind: str) -> None:
        if self.session is None:
            return
        if self.timer.isActive():
            self.save_draft()
        payload: dict[str, Any] = (
            {"kind": "observation", "text": "", "attachments": []}
            if kind == "observation"
            else {"kind": "interview", "person": "", "role": "", "notes": []}
        )
        entry = RecordEntry(kind, f"{kind}:{uuid.uuid4()}", None, payload)
        entries = [*self.list_model.entries, entry]
        self.list_model.set_entries(entries)
        self.list.setCurrentIndex(self.list_model.index(len(entries) - 1, 0))
        (self.obs_text if kind == "observation" else self.person).setFocus()

    def add_qa(self, question: str, answer: str) -> None:
        self.notes_model.appendRow([QStandardItem(question), QStandardItem(answer)])
        if not self._updating:
            self.notes.setCurrentIndex(self.notes_model.index(self.notes_model.rowCount() - 1, 0))
            self._edited()

    def _remove_qa(self) -> None:
        row = self.notes.currentIndex().row()
        if row >= 0:
            self.notes_model.removeRow(row)
            self._edited()

    def _photo_paths(self) -> list[str]:
        out = []
        for i in range(self.photos.count()):
            path = self.photos.item(i).data(Qt.ItemDataRole.UserRole)
            if path:
                out.append(str(path))
        return out

    def payload(self) -> dict[str, Any] | None:
        """The draft's payload as the editor has it."""
        if self.kind == "observation":
            return {
                "kind": "observation",
                "text": self.obs_text.toPlainText(),
                "attachments": self._photo_paths(),
            }
        if self.kind == "interview":
            notes = []
            for r in range(self.notes_model.rowCount()):
                q = self.notes_model.item(r, 0)
                a = self.notes_model.item(r, 1)
                notes.append(
                    {"q": q.text() if q is not None else "", "a": a.text() if a is not None else ""}
                )
            return {
                "kind": "interview",
                "person": self.person.text(),
                "role": self.role.text(),
                "notes": notes,
            }
        return None

    def _edited(self, *_args: Any) -> None:
        if self._updating or self.entry is None or self.entry.signed:
            return
        payload = self.payload()
        if payload is None or self.key is None:
            return
        row = next((i for i, e in enumerate(self.list_model.entries) if e.key == self.key), None)
        self.entry = RecordEntry(self.entry.kind, self.key, None, payload)
        if row is not None:
            self.list_model.entries[row] = self.entry
            index = self.list_model.index(row, 0)
            self.list_model.dataChanged.emit(index, index)
        self.state.setText(_("Saving…"))
        self.timer.start()

    # ---------------------------------------------------------------- photos
    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Folder of the camera or phone"))
        if folder:
            self.import_photos_from(Path(folder))

    def _choose_files(self) -> None:
        files, _filter = QFileDialog.getOpenFileNames(
            self,
            _("Photos"),
            "",
            _("Images (*.jpg *.jpeg *.png *.heic *.heif *.webp *.tif *.tiff)"),
        )
        if files:
            self.import_photos_from([Path(f) for f in files])

    def import_photos_from(self, source: Path | list[Path]) -> None:
        """Copy the photos of a folder (or the files) into the workspace and add them."""
        if self.session is None or self.kind != "observation":
            return
        dest = onsite_dir(self.session.home.workspace, self.session.case_id)
        self.state.setText(_("Importing photos…"))
        run_task(
            import_photos,
            source,
            dest,
            on_done=self._photos_imported,
            on_error=lambda exc: self.context.show_error(exc, self),
            name="record-photos",
        )

    def _photos_imported(self, photos: list[OnsitePhoto]) -> None:
        known = set(self._photo_paths())
        for photo in photos:
            if str(photo.file) not in known:
                self._add_photo_item(str(photo.file))
        self._load_thumbnails()
        self.state.setText(str(nbi("{n} photo imported.", "{n} photos imported.", len(photos))))
        self._edited()

    def _remove_photo(self) -> None:
        item = self.photos.currentItem()
        if item is not None:
            self.photos.takeItem(self.photos.row(item))
            self._edited()

    # ---------------------------------------------------------------- drafts and signing
    def save_draft(self) -> None:
        self.timer.stop()
        if self.session is None or self.key is None or self.entry is None or self.entry.signed:
            return
        payload = self.payload()
        if payload is None:
            return
        session, key = self.session, self.key
        run_task(
            services.save_draft,
            session.home,
            session,
            key,
            payload,
            on_done=lambda _d: self.state.setText(_("Draft saved.")),
            on_error=lambda exc: self.context.show_error(exc, self),
            pass_progress=False,
            serial=True,
            name="record-autosave",
        )

    def sign(self) -> None:
        if self.session is None or self.key is None or self.entry is None or self.entry.signed:
            return
        self.save_draft()
        session, key = self.session, self.key

        def then(signer: Any) -> None:
            run_task(
                lambda: services.sign_drafts(session.home, session, signer=signer, keys=[key]),
                on_done=self._signed,
                on_error=lambda exc: self.context.show_error(exc, self),
                pass_progress=False,
                serial=True,
                name="record-sign",
            )

        self.context.with_signer(self, then)

    def _signed(self, findings: list[Any]) -> None:
        self.key = None
        self.state.setText(_("Signed."))
        self.context.session_changed.emit()
        self.reload()
