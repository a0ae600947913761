"""The scoring page, driven by the keyboard: every question and scene answered, the live
panel follows the core's scoring, drafts survive a "crash", signing records the findings."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from inspector_app import services
from inspector_app.checklist import make_answers, score_answers
from tests.gui.uibhelp import make_world, settle, wait_for
from ui.pages.scoring import ScoringPage
from ui.scoring_model import DRAFT_PREFIX


def _page(qtbot: QtBot, world) -> ScoringPage:  # type: ignore[no-untyped-def]
    page = ScoringPage(world.context)
    qtbot.addWidget(page)
    page.resize(1400, 850)
    page.set_session(world.session)
    wait_for(page.ready)
    return page


def test_score_everything_by_keyboard_then_sign(
    qtbot: QtBot, tmp_path: Path, examples: Path, qtmodeltester
) -> None:
    world = make_world(tmp_path / "home", examples, with_identity=True)
    page = _page(qtbot, world)
    checklist = page.checklist
    assert checklist is not None
    # the expert's choices: the last option of every question, level 2 for every scene
    expected: dict[str, object] = {}
    for qid, question in checklist.questions.items():
        page.select_item(qid)
        letter = question.options[-1].letter
        qtbot.keyClick(page.tree, letter)
        expected[qid] = [letter] if question.is_multi else letter
        assert page.model.index_of(qid).siblingAtColumn(1).data().startswith(letter)
    for sid in checklist.scenes:
        page.select_item(sid)
        qtbot.keyClick(page.tree, "2")
        expected[sid] = 2
    assert page.answers is not None and page.answers.unanswered() == []
    qtmodeltester.check(page.model)
    core = score_answers(checklist, make_answers(expected), issues_path=None)
    assert page.result is not None
    assert page.result.score == core.score and page.result.level == core.level
    assert f"{core.level}" in page.panel.text()
    # a multi-choice question: ticking the zero option clears the others
    multi = next(q for q in checklist.questions.values() if q.is_multi and q.zero_option)
    page.select_item(multi.id)
    qtbot.keyClick(page.tree, multi.zero_option)
    assert page.answers.get(multi.id).letters == (multi.zero_option,)
    qtbot.keyClick(page.tree, multi.options[-1].letter)
    assert page.answers.get(multi.id).letters == (multi.options[-1].letter,)
    # a click on an option's button works as the key does
    single = next(q for q in checklist.questions.values() if not q.is_multi)
    page.select_item(single.id)
    button = next(b for b in page.buttons.buttons() if b.property("letter") == "A")
    button.click()
    assert page.answers.get(single.id).letters == ("A",)
    qtbot.keyClick(page.tree, single.options[-1].letter)
    # evidence and a comment on one scene
    page.select_item("S6")
    page.add_evidence(["photos/报工终端.jpg", "not/in/the/package.pdf"])
    assert page.answers.get("S6").evidence == ["photos/报工终端.jpg"]
    page.comment.setFocus()
    page.comment.insertPlainText("现场看到报工终端在用")
    page.save_drafts()
    settle()
    assert page.model.index_of("S6").siblingAtColumn(1).data() == "2 ✎"
    drafts = {d.key: d.payload for d in services.list_drafts(world.home, world.session)}
    assert len([k for k in drafts if k.startswith(DRAFT_PREFIX)]) == len(checklist.item_ids())
    assert drafts["score:S6"]["evidence"] == ["photos/报工终端.jpg"]
    assert drafts["score:S6"]["comment"] == "现场看到报工终端在用"

    # a "crash": a new page on the same case restores every answer from the drafts
    again = _page(qtbot, world)
    assert again.answers is not None and again.answers.unanswered() == []
    assert again.answers.get("S6").comment == "现场看到报工终端在用"
    assert again.result is not None and again.result.score == page.result.score

    page.sign()
    settle()
    qtbot.waitUntil(lambda: "signed" in page.save_state.text() or "签" in page.save_state.text())
    assert world.errors == []
    scores = services.list_findings(world.home, world.session, kind="score")
    assert {f.data["item"] for f in scores} == set(checklist.item_ids())
    assert not [
        d for d in services.list_drafts(world.home, world.session) if d.key.startswith(DRAFT_PREFIX)
    ]
    assert services.verify_findings(world.home).ok
    # after signing nothing is marked as changed
    assert page.answers.unsigned == set()
    assert "✎" not in page.model.index_of("S6").siblingAtColumn(1).data()


def test_figures_and_the_thresholds_note(qtbot: QtBot, tmp_path: Path, examples: Path) -> None:
    world = make_world(tmp_path / "home", examples)
    page = _page(qtbot, world)
    page.select_item("Q2")
    edits = page.figure_edits
    assert set(edits) == {"devices_total", "devices_digital"}
    qtbot.keyClicks(edits["devices_total"], "100")
    qtbot.keyClicks(edits["devices_digital"], "30")
    q = page.result.questions["Q2"]  # type: ignore[union-attr]
    assert q.answer_source == "figures" and q.letters == ("C",)
    # the figures are named in words (设备总数（台/套）), never by their keys
    from inspector_app import labels

    caption = page.figures_form.labelForField(edits["devices_total"])
    assert caption.text() == str(labels.figure_caption("devices_total")) != "devices_total"
    assert page.figures_note.text() and "devices_" not in page.figures_note.text()
    assert "(C)" in page.model.index_of("Q2").siblingAtColumn(1).data()
    qtbot.keyClick(page.tree, "E")
    assert page.result.questions["Q2"].contradiction  # type: ignore[union-attr]
    assert "Q2" in page.panel.text()
    # the miit-2024 thresholds are not confirmed: the panel says so
    assert "⚠" in page.panel.text()
    # a bad figure is not saved as a number
    edits["devices_total"].clear()
    qtbot.keyClicks(edits["devices_total"], "abc")
    assert page.answers.payload("Q2")["figures"] == {"devices_digital": "30"}  # type: ignore[index, union-attr]


def test_evidence_dragged_from_the_evidence_page_is_linked(
    qtbot: QtBot, tmp_path: Path, examples: Path
) -> None:
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QDropEvent

    from ui.pages.evidence import PATH_ROLE, EvidencePage

    world = make_world(tmp_path / "home", examples)
    evidence = EvidencePage(world.context)
    qtbot.addWidget(evidence)
    evidence.show()  # its tree is filled when shown
    evidence.set_session(world.session)
    wait_for(evidence.ready)
    page = _page(qtbot, world)
    page.select_item("Q5")
    model = evidence.tree_model
    index = model.index_of("finance/contracts.csv")
    assert index.data(PATH_ROLE) == "finance/contracts.csv"
    mime = model.mimeData([index])
    drop = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    page.evidence_list.dropEvent(drop)
    assert page.answers is not None
    assert page.answers.get("Q5").evidence == ["finance/contracts.csv"]
    assert page.evidence_list.count() == 1
    settle()


def test_the_tree_opens_when_the_page_is_shown_and_fits_its_columns(
    qtbot: QtBot, tmp_path: Path, examples: Path
) -> None:
    world = make_world(tmp_path / "home", examples)
    page = _page(qtbot, world)  # loaded while hidden (the case opens on the overview)
    model = page.model
    first = model.index(0, 0)
    assert model.rowCount(first) > 0
    assert not page.tree_expanded() and not page.tree.isExpanded(first)
    page.show()
    assert page.tree_expanded() and page.tree.isExpanded(first)
    assert page.tree.isExpanded(model.index(0, 0, first))  # every level
    # the answer, self-assessment and points columns fit their texts
    for col in (1, 2, 3):
        assert page.tree.columnWidth(col) >= page.tree.sizeHintForColumn(col) > 0
    # an answer that widens a column widens it
    qid = next(iter(page.checklist.questions))  # type: ignore[union-attr]
    page.select_item(qid)
    question = page.checklist.questions[qid]  # type: ignore[union-attr]
    for option in question.options if question.is_multi else question.options[-1:]:
        page.toggle_option(qid, option.letter)
    assert page.tree.columnWidth(1) >= page.tree.sizeHintForColumn(1)
    # a case opened while the page is shown is opened at once
    page.set_session(world.session)
    wait_for(page.ready)
    assert page.tree_expanded() and page.tree.isExpanded(model.index(0, 0))
