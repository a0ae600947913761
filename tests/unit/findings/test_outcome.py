"""The outcome rules of a conclusion (cli.md § Outcome rules), the agency's decision over the
merged answers, and stale conclusions after a withdrawn ground."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from inspector_app import identity
from inspector_app.checklist import get_checklist
from inspector_app.findings import FindingsStore, open_store, verify_store
from inspector_app.findings import outcome as oc
from inspector_app.findings.outcome import OutcomeRefused, check_conclusion

from .conftest import CASE, USCC, Expert, make_expert

CHECKLIST = get_checklist("miit-2024")


def best_answers(scene_level: int) -> list[dict[str, Any]]:
    """Every question at its best option(s) (100 points) and every scene at ``scene_level``:
    the level is then ``scene_level`` (the scene counts decide it)."""
    out: list[dict[str, Any]] = []
    for q in CHECKLIST.questions.values():
        if q.type == "single":
            answer: Any = max(q.options, key=lambda o: o.points).letter
        else:
            answer = [o.letter for o in q.options if o.letter != q.zero_option]
        out.append({"kind": "score", "item": q.id, "answer": answer})
    out += [{"kind": "score", "item": s, "level": scene_level} for s in CHECKLIST.scenes]
    return out


def score_all(e: Expert, scene_level: int, *, skip: int = 0) -> None:
    for payload in best_answers(scene_level)[skip:]:
        e.store.add_finding(e.me, CASE, payload)


def conclusion(recommendation: str, **more: Any) -> dict[str, Any]:
    return {"kind": "conclusion", "recommendation": recommendation, "summary": "…", **more}


def refused(e: Expert, payload: dict[str, Any]) -> list[oc.Refusal]:
    """The refusals ``check_conclusion`` gives, which ``add_finding`` must raise the same."""
    seen = check_conclusion(e.store, CASE, e.me.fingerprint, payload)
    before = len(e.store.findings(CASE, include_superseded=True))
    with pytest.raises(OutcomeRefused) as info:
        e.store.add_finding(e.me, CASE, payload)
    assert [r.reason for r in info.value.refusals] == [r.reason for r in seen]
    assert all(i.code == "OUTCOME_REFUSED" for i in info.value.issues)
    assert "OUTCOME_REFUSED" in str(info.value)
    assert len(e.store.findings(CASE, include_superseded=True)) == before  # nothing signed
    return seen


def test_pass_needs_a_complete_scoring(expert: Expert) -> None:
    score_all(expert, 2, skip=3)
    (r,) = refused(expert, conclusion("pass"))
    assert (r.code, r.reason) == ("OUTCOME_REFUSED", oc.INCOMPLETE)
    assert list(r.subjects) == [p["item"] for p in best_answers(2)[:3]]
    assert "3" in str(r.message) and "Q1" in str(r.message)


def test_pass_at_level_1_is_refused_and_at_level_2_accepted(expert: Expert) -> None:
    score_all(expert, 1)
    (r,) = refused(expert, conclusion("pass"))
    assert (r.reason, r.level) == (oc.LEVEL, 1)
    assert "1" in str(r.message) and "2" in str(r.message)
    # every scene at 2 (the questions already at 100 points): level 2, the pass is accepted
    for s in CHECKLIST.scenes:
        expert.store.add_finding(expert.me, CASE, {"kind": "score", "item": s, "level": 2})
    assert check_conclusion(expert.store, CASE, expert.me.fingerprint, conclusion("pass")) == []
    expert.store.add_finding(expert.me, CASE, conclusion("pass"))
    assert expert.store.case(CASE).status == "concluded"  # type: ignore[union-attr]


def test_a_confirmed_high_flag_blocks_a_pass_a_medium_one_does_not(expert: Expert) -> None:
    score_all(expert, 3)
    add = expert.store.add_finding
    add(
        expert.me,
        CASE,
        {"kind": "flag_review", "flag": "PRICE_OUTLIER:C1/1", "decision": "confirmed"},
    )
    add(
        expert.me,
        CASE,
        {"kind": "flag_review", "flag": "TARGET_MISSED:level", "decision": "confirmed"},
    )
    assert check_conclusion(expert.store, CASE, expert.me.fingerprint, conclusion("pass")) == []
    add(
        expert.me, CASE, {"kind": "flag_review", "flag": "USAGE_BURST:mes", "decision": "confirmed"}
    )
    add(
        expert.me,
        CASE,
        {"kind": "flag_review", "flag": "CROSS_LOG_CLONE:x", "decision": "confirmed"},
    )
    (r,) = refused(expert, conclusion("pass"))
    assert r.reason == oc.CONFIRMED_HIGH_FLAGS
    assert r.subjects == ("CROSS_LOG_CLONE:x", "USAGE_BURST:mes")
    # dismissing it (with a reason) lifts the block
    for flag in r.subjects:
        add(
            expert.me,
            CASE,
            {"kind": "flag_review", "flag": flag, "decision": "dismissed", "reason": "核实无误"},
        )
    expert.store.add_finding(expert.me, CASE, conclusion("pass"))


def test_improve_needs_requirements(expert: Expert) -> None:
    (r,) = refused(expert, conclusion("improve"))
    assert (r.reason, r.pointer) == (oc.NO_REQUIREMENTS, "/requirements")
    expert.store.add_finding(expert.me, CASE, conclusion("improve", requirements=["补充数据"]))


def test_disqualify_needs_grounds_of_the_signer(expert: Expert, tmp_path: Path) -> None:
    s, me = expert.store, expert.me
    (r,) = refused(expert, conclusion("disqualify"))
    assert r.reason == oc.NO_GROUNDS
    (r,) = refused(expert, conclusion("disqualify", grounds={"flags": [], "findings": []}))
    assert r.reason == oc.NO_GROUNDS
    # a flag not (yet) confirmed, a finding that is no observation of mine
    score = s.add_finding(me, CASE, {"kind": "score", "item": "S1", "level": 1})
    rs = refused(
        expert,
        conclusion(
            "disqualify",
            grounds={"flags": ["PAYMENT_REFLUX:x"], "findings": [score.finding_id]},
        ),
    )
    assert [(x.reason, x.subjects) for x in rs] == [
        (oc.FLAGS_NOT_CONFIRMED, ("PAYMENT_REFLUX:x",)),
        (oc.FINDINGS_NOT_CITABLE, (score.finding_id,)),
    ]
    # another expert's observation in the same case is not the signer's ground
    other_home, other = make_expert(tmp_path / "other", name="李四")
    with open_store(other_home) as o:
        o.register_case(CASE, uscc=USCC, enterprise="x", project_id="P-1", checklist="miit-2024")
        theirs = o.add_finding(other, CASE, {"kind": "observation", "text": "看到"})
        s.import_records(
            o.records(other.fingerprint),
            o.checkpoint(other.fingerprint),
            signer_key=other.public_key,
        )
    (r,) = refused(expert, conclusion("disqualify", grounds={"findings": [theirs.finding_id]}))
    assert r.reason == oc.FINDINGS_NOT_CITABLE
    # confirmed flag and own observation: accepted, stored with both lists
    s.add_finding(
        me, CASE, {"kind": "flag_review", "flag": "PAYMENT_REFLUX:x", "decision": "confirmed"}
    )
    obs = s.add_finding(me, CASE, {"kind": "observation", "text": "资金回流"})
    f = s.add_finding(
        me,
        CASE,
        conclusion(
            "disqualify", grounds={"flags": ["PAYMENT_REFLUX:x"], "findings": [obs.finding_id]}
        ),
    )
    assert f.data["grounds"] == {"flags": ["PAYMENT_REFLUX:x"], "findings": [obs.finding_id]}
    assert f.record.body.startswith(b"{") and b'"format":"inspector-finding/2"' in f.record.body
    assert verify_store(s, own_key=me.public_key).ok


def test_grounds_only_on_disqualify_and_well_formed(expert: Expert) -> None:
    bad = check_conclusion(
        expert.store,
        CASE,
        expert.me.fingerprint,
        conclusion("improve", requirements=["x"], grounds={"flags": ["USAGE_BURST:mes"]}),
    )
    assert [(r.code, r.pointer) for r in bad] == [("FINDING_INVALID", "/grounds")]
    bad = check_conclusion(
        expert.store,
        CASE,
        expert.me.fingerprint,
        conclusion(
            "disqualify", grounds={"flags": "USAGE_BURST:mes", "findings": ["NOT-AN-ID"], "x": 1}
        ),
    )
    assert [(r.code, r.pointer) for r in bad] == [("FINDING_INVALID", "/grounds")]
    bad = check_conclusion(
        expert.store,
        CASE,
        expert.me.fingerprint,
        conclusion(
            "disqualify",
            grounds={"flags": ["USAGE_BURST:mes", "USAGE_BURST:mes"], "findings": ["x"]},
        ),
    )
    assert [(r.code, r.pointer) for r in bad] == [
        ("FINDING_INVALID", "/grounds/flags"),
        ("FINDING_INVALID", "/grounds/findings"),
    ]
    assert (
        check_conclusion(
            expert.store, CASE, expert.me.fingerprint, {"kind": "observation", "text": "x"}
        )[0].code
        == "FINDING_INVALID"
    )


def test_drafts_signed_together_count(expert: Expert) -> None:
    """A flag review and the conclusion citing it, signed in one go, are judged together."""
    s, me = expert.store, expert.me
    s.save_draft(
        CASE, "flag", {"kind": "flag_review", "flag": "LOG_SYNTHETIC:erp", "decision": "confirmed"}
    )
    s.save_draft(
        CASE, "conclusion", conclusion("disqualify", grounds={"flags": ["LOG_SYNTHETIC:erp"]})
    )
    signed = s.sign_drafts(me, CASE)
    assert [f.kind for f in signed] == ["flag_review", "conclusion"]
    # and a refused conclusion leaves every draft unsigned
    s.save_draft(
        CASE, "flag", {"kind": "flag_review", "flag": "USAGE_DORMANT:mes", "decision": "confirmed"}
    )
    s.save_draft(CASE, "conclusion", conclusion("pass"))
    with pytest.raises(OutcomeRefused):
        s.sign_drafts(me, CASE)
    assert sorted(d.key for d in s.list_drafts(CASE)) == ["conclusion", "flag"]


def test_a_withdrawn_ground_makes_the_conclusion_stale(expert: Expert) -> None:
    s, me = expert.store, expert.me
    s.add_finding(
        me, CASE, {"kind": "flag_review", "flag": "PAYMENT_REFLUX:x", "decision": "confirmed"}
    )
    obs = s.add_finding(me, CASE, {"kind": "observation", "text": "资金回流"})
    grounds = {"flags": ["PAYMENT_REFLUX:x"], "findings": [obs.finding_id]}
    c = s.add_finding(me, CASE, conclusion("disqualify", grounds=grounds))
    assert not s.stale_conclusions() and s.case(CASE).status == "concluded"  # type: ignore[union-attr]
    s.add_finding(
        me,
        CASE,
        {
            "kind": "flag_review",
            "flag": "PAYMENT_REFLUX:x",
            "decision": "dismissed",
            "reason": "退款",
        },
    )
    (stale,) = s.stale_conclusions(CASE)
    assert stale.finding_id == c.finding_id and stale.withdrawn_grounds == ("PAYMENT_REFLUX:x",)
    listed = {f.finding_id: f.to_json() for f in s.findings(CASE)}
    assert listed[c.finding_id]["stale"] is True
    assert listed[c.finding_id]["withdrawn_grounds"] == ["PAYMENT_REFLUX:x"]
    assert listed[obs.finding_id]["stale"] is False
    case = s.case(CASE)
    assert case is not None and case.stale and case.status == "in_progress"
    assert case.to_json()["stale"] is True
    # the stored row says so too (a write updated it), and nothing signed changed
    assert s.db.execute("SELECT status FROM cases").fetchone()[0] == "in_progress"
    assert s.get(c.finding_id).record.body == c.record.body  # type: ignore[union-attr]
    # superseding the observation withdraws the other ground too
    s.add_finding(me, CASE, {"kind": "observation", "text": "更正", "supersedes": obs.finding_id})
    assert s.stale_conclusions(CASE)[0].withdrawn_grounds == ("PAYMENT_REFLUX:x", obs.finding_id)
    # a new conclusion supersedes the stale one: concluded again
    new_obs = s.add_finding(me, CASE, {"kind": "observation", "text": "账外回款凭证"})
    s.add_finding(me, CASE, conclusion("disqualify", grounds={"findings": [new_obs.finding_id]}))
    assert not s.stale_conclusions()
    assert s.case(CASE).status == "concluded" and not s.case(CASE).stale  # type: ignore[union-attr]
    # the superseded stale version is history, not stale
    old = next(f for f in s.findings(CASE, include_superseded=True) if f.finding_id == c.finding_id)
    assert not old.stale


def _expert_store(tmp_path: Path, name: str) -> tuple[FindingsStore, identity.UnlockedIdentity]:
    home, me = make_expert(tmp_path / name, name=name)
    store = open_store(home)
    store.register_case(CASE, uscc=USCC, enterprise="x", project_id="P-1", checklist="miit-2024")
    return store, me


def _merge(agency: FindingsStore, store: FindingsStore, me: identity.UnlockedIdentity) -> None:
    agency.import_records(
        store.records(me.fingerprint), store.checkpoint(me.fingerprint), signer_key=me.public_key
    )


def test_the_agency_decision_follows_the_merged_answers(tmp_path: Path) -> None:
    agency_home, agency_me = make_expert(tmp_path / "agency", role="agency", name="机构")
    agency = open_store(agency_home)
    agency.register_case(CASE, uscc=USCC, enterprise="x", project_id="P-1", checklist="miit-2024")
    e1, me1 = _expert_store(tmp_path, "e1")
    e2, me2 = _expert_store(tmp_path, "e2")
    answers = best_answers(2)
    for payload in answers:
        e1.add_finding(me1, CASE, payload)
    for payload in answers[:-1]:  # e2 leaves the last scene out, and rates S1 differently
        e2.add_finding(me2, CASE, payload if payload["item"] != "S1" else {**payload, "level": 1})
    e1.add_finding(
        me1, CASE, {"kind": "flag_review", "flag": "PAYMENT_REFLUX:x", "decision": "confirmed"}
    )
    e2.add_finding(
        me2,
        CASE,
        {
            "kind": "flag_review",
            "flag": "PAYMENT_REFLUX:x",
            "decision": "dismissed",
            "reason": "退款",
        },
    )
    obs = e2.add_finding(me2, CASE, {"kind": "observation", "text": "现场未见系统"})
    c1 = e1.add_finding(me1, CASE, conclusion("improve", requirements=["x"]))
    for store, me in ((e1, me1), (e2, me2)):
        _merge(agency, store, me)

    def decision(**more: Any) -> dict[str, Any]:
        return {
            "kind": "decision",
            "settles": [c1.finding_id],
            "reason": "合议",
            "summary": "…",
            **more,
        }

    fp = agency_me.fingerprint
    # S1 disagrees (3 experts' answers are not one): unanswered; the flag is not confirmed by all
    (r,) = check_conclusion(agency, CASE, fp, decision(recommendation="pass"))
    assert (r.reason, r.subjects) == (oc.INCOMPLETE, ("S1",))
    with pytest.raises(OutcomeRefused):
        agency.add_finding(agency_me, CASE, decision(recommendation="pass"))
    (r,) = check_conclusion(
        agency,
        CASE,
        fp,
        decision(recommendation="disqualify", grounds={"flags": ["PAYMENT_REFLUX:x"]}),
    )
    assert r.reason == oc.FLAGS_NOT_CONFIRMED
    # an expert's observation of the project is a ground for the agency
    assert (
        check_conclusion(
            agency,
            CASE,
            fp,
            decision(recommendation="disqualify", grounds={"findings": [obs.finding_id]}),
        )
        == []
    )
    # the agency settles S1 at level 2: complete, level 2 → pass accepted
    agency.add_finding(
        agency_me,
        CASE,
        {
            "kind": "decision",
            "settles": [c1.finding_id],
            "reason": "复核",
            "item": "S1",
            "level": 2,
        },
    )
    assert check_conclusion(agency, CASE, fp, decision(recommendation="pass")) == []
    # the agency confirms the flag: a pass is now blocked, a disqualify citing it accepted
    agency.add_finding(
        agency_me,
        CASE,
        {
            "kind": "decision",
            "settles": [c1.finding_id],
            "reason": "核实",
            "flag": "PAYMENT_REFLUX:x",
            "decision": "confirmed",
        },
    )
    (r,) = check_conclusion(agency, CASE, fp, decision(recommendation="pass"))
    assert r.reason == oc.CONFIRMED_HIGH_FLAGS
    d = agency.add_finding(
        agency_me,
        CASE,
        decision(recommendation="disqualify", grounds={"flags": ["PAYMENT_REFLUX:x"]}),
    )
    assert agency.case(CASE).status == "decided"  # type: ignore[union-attr]
    # the agency dismisses the flag later: its decision is stale, the case back in progress
    agency.add_finding(
        agency_me,
        CASE,
        {
            "kind": "decision",
            "settles": [c1.finding_id],
            "reason": "退款凭证",
            "flag": "PAYMENT_REFLUX:x",
            "decision": "dismissed",
        },
    )
    (stale,) = agency.stale_conclusions()
    assert stale.finding_id == d.finding_id
    assert agency.case(CASE).status == "in_progress"  # type: ignore[union-attr]
    for s in (agency, e1, e2):
        s.close()


def test_import_never_checks_the_rules(tmp_path: Path) -> None:
    """A bundle holds what its signer signed then: a record the rules would refuse today (a
    /1 pass without a complete scoring) merges, verifies and lists."""
    from inspector_app.findings.records import (
        RECORD_FORMAT_V1,
        checkpoint_body,
        parse_checkpoint,
        parse_record,
        record_body,
    )

    agency_home, _agency_me = make_expert(tmp_path / "agency", role="agency", name="机构")
    _h, old = make_expert(tmp_path / "old", name="老专家")
    body = record_body(
        finding_id="6f1d3c1e-8a51-4d3b-9c0e-2b7f4a9d1e01",
        case_id=CASE,
        signer_key=old.public_key,
        seq=1,
        prev=None,
        created_at="2026-03-02T10:00:00+08:00",
        kind="conclusion",
        supersedes=None,
        data={"recommendation": "pass", "summary": "合格", "requirements": []},
        record_format=RECORD_FORMAT_V1,
    )
    record = parse_record(body, old.sign(body))
    cp = checkpoint_body(
        signer_key=old.public_key,
        seq=1,
        head=record.hash,
        head_finding_id=record.finding_id,
        created_at="2026-03-02T10:00:00+08:00",
    )
    with open_store(agency_home) as agency:
        result = agency.import_records(
            [record], parse_checkpoint(cp, old.sign(cp)), signer_key=old.public_key
        )
        assert result.added == 1
        (f,) = agency.findings(CASE)
        assert f.data["recommendation"] == "pass" and not f.stale
        assert verify_store(agency).ok
