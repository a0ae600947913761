"""A home folder with one sample case under review, for the screenshots and ``tools/run.sh``.

``prepare(root)`` creates (once) in ``root``: an expert identity (passphrase ``demo-passphrase``)
that trusts a demo agency's card, the ``usage_burst`` sample case imported and analysed, a few
answers, the flag confirmed with a reason, an on-site observation and an unsigned conclusion
draft. It only calls the application layer, as the app does.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PASSPHRASE = "demo-passphrase"
SCENARIO = "usage_burst"


def prepare(root: Path) -> str:
    """Build the demo home in ``root`` (if not there yet); returns the case id."""
    from inspector_app import identity
    from inspector_app.home import Home
    from inspector_app.samples import generate
    from inspector_app.services.cases import import_case, list_cases, open_case
    from inspector_app.services.conclusion import CONCLUSION_DRAFT
    from inspector_app.services.findings import add_finding, save_draft

    home = Home(root / "home").ensure()
    if identity.exists(home) and list_cases(home):
        return list_cases(home)[0].case_id
    agency = Home(root / "agency").ensure()
    if not identity.exists(agency):
        identity.init_identity(
            agency,
            name="昆明市数字化转型验收机构",
            role="agency",
            passphrase=PASSPHRASE,
            device="agency-desk",
            _kdf=identity.TEST_KDF,
        )
    card = root / "agency.card.json"
    if not card.exists():
        card.write_text(identity.card_json_text(identity.own_card(agency)), encoding="utf-8")
    if not identity.exists(home):
        identity.init_identity(
            home,
            name="张工",
            role="expert",
            passphrase=PASSPHRASE,
            device="laptop-01",
            _kdf=identity.TEST_KDF,
        )
        identity.trust_card(home, card)
    package = root / f"{SCENARIO}.case.zip"
    if not package.exists():
        generate(SCENARIO, package)
    case_id = import_case(home, package).case_id
    session = open_case(home, case_id)
    analysis = session.analysis()
    signer = identity.unlock(home, PASSPHRASE)
    checklist = session.checklist
    items = list(checklist.item_ids())
    for item in items[:5]:
        answer = self_assessed(session, item)
        if answer is not None:
            add_finding(
                home,
                session,
                {"kind": "score", "item": item, **answer, "comment": "现场查看系统记录"},
                signer=signer,
            )
    for flag in analysis.flags[:1]:
        add_finding(
            home,
            session,
            {
                "kind": "flag_review",
                "flag": flag.id,
                "decision": "confirmed",
                "reason": "日志显示申请前30天集中使用，现场操作员无法演示日常流程",
            },
            signer=signer,
        )
    add_finding(
        home,
        session,
        {"kind": "observation", "text": "车间看板未接入MES实时数据，仍为手工填写。"},
        signer=signer,
    )
    save_draft(
        home,
        session,
        CONCLUSION_DRAFT,
        {
            "kind": "conclusion",
            "recommendation": "improve",
            "summary": "系统已上线但日常使用不足，申请前集中突击使用。",
            "requirements": ["三个月内实现MES与车间看板数据联通", "补充连续六个月的系统使用记录"],
        },
    )
    # one bundle handed to the agency, and its receipt taken back
    from sync.services import ack_receipts, export_bundle, import_bundles

    expert_card = root / "expert.card.json"
    expert_card.write_text(identity.card_json_text(identity.own_card(home)), encoding="utf-8")
    identity.trust_card(agency, expert_card)
    done = export_bundle(home, root / "usb", signer=signer)
    if done.written is not None:
        merged = import_bundles(
            agency, [done.written.path], signer=identity.unlock(agency, PASSPHRASE)
        )
        receipts = [o.receipt for o in merged.flat if o.receipt]
        if receipts:
            ack_receipts(home, receipts)
    add_finding(
        home,
        session,
        {
            "kind": "interview",
            "person": "李主任",
            "role": "车间主任",
            "notes": [{"q": "MES每天谁在用？", "a": "班组长报工时用，平时不多。"}],
        },
        signer=signer,
    )
    return case_id


def self_assessed(session, item: str) -> dict | None:  # type: ignore[no-untyped-def,type-arg]
    """The enterprise's own answer to ``item`` as a score finding's fields (None if absent)."""
    own = session.package.self_assessment.items.get(item)
    if own is None:
        return None
    if own.level is not None:
        return {"level": own.level}
    if own.answer is None:
        return None
    answer = list(own.answer) if isinstance(own.answer, tuple) else own.answer
    out = {"answer": answer}
    if own.figures:
        out["figures"] = {k: str(v) for k, v in own.figures.items()}
    return out


if __name__ == "__main__":
    print(prepare(Path(sys.argv[1])))
