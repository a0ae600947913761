"""Eligibility and goal rules: missing materials, duplicate central funding, claimed results the
package's own data does not show, an inflated self-assessment."""

from __future__ import annotations

import re
from decimal import Decimal

from inspector_app.analysis.context import Conditions, Context, make_flag, texts
from inspector_app.analysis.flags import Evidence, Flag
from inspector_app.casepkg.model import ATTACHMENT_NAMES
from inspector_app.i18n import Message, bi
from inspector_app.values import window

_FOLDER = re.compile(r"^附件(\d+)(?!\d)")


def attachments_present(ctx: Context) -> set[int]:
    """Attachment numbers present (red-flags.md): a document or photo with ``attachment: N`` in
    the manifest, or lying under a ``docs/`` folder whose name starts with 附件N."""
    present: set[int] = set()
    for f in ctx.package.manifest.files:
        if f.attachment is not None and f.path.startswith(("docs/", "photos/")):
            present.add(f.attachment)
    for doc in ctx.package.documents:
        if doc.attachment is not None:
            present.add(doc.attachment)
        parts = doc.path.split("/")
        if parts[0] != "docs":
            continue
        for folder in parts[1:-1]:
            m = _FOLDER.match(folder)
            if m:
                present.add(int(m.group(1)))
    return present


def check_materials(ctx: Context) -> list[Flag]:
    """MATERIALS_MISSING (材料不全): an acceptance material (附件1–8) is not in the package.

    Fires for each attachment number of ``required`` (1–8, the acceptance notice's list) that is
    not present: no document or photo has ``attachment: N`` in the manifest and none lies under
    a ``docs/`` folder named 附件N….

    Known false positive: a material filed under another attachment's folder without its
    number (the expert finds it and dismisses the flag).
    """
    present = attachments_present(ctx)
    flags = []
    for n in ctx.settings["MATERIALS_MISSING"]["required"]:
        if n in present:
            continue
        name = ATTACHMENT_NAMES.get(n, "")
        title = texts("Materials missing: attachment {n} {name}", n=n, name=name)
        detail = texts(
            "no document or photo is marked as attachment {n}, and no docs/ folder starts "
            "with 附件{n}",
            n=n,
        )
        flags.append(
            make_flag(
                "MATERIALS_MISSING",
                str(n),
                title,
                [detail],
                bi("Ask the enterprise for this material on site and note whether it exists."),
                [Evidence("manifest.json", pointer="/files")],
            )
        )
    return flags


def check_funding(ctx: Context) -> Flag | None:
    """DUPLICATE_FUNDING (重复支持): the enterprise was already funded centrally.

    Fires when ``prior_support`` shows central-fund support as a 专精特新"小巨人" or
    participation in the 2022 transformation pilot; the notice excludes both.

    Known false positive: a platform record that is wrong (the enterprise shows the decision
    documents).
    """
    prior = ctx.package.enterprise.prior_support
    reasons: list[Message] = []
    evidence: list[Evidence] = []
    if prior.little_giant_central_fund:
        reasons.append(texts("central SME fund support as a Little Giant (小巨人)"))
        evidence.append(
            Evidence("enterprise.json", pointer="/prior_support/little_giant_central_fund")
        )
    if prior.pilot_2022:
        reasons.append(texts("already in the 2022 transformation pilot"))
        evidence.append(Evidence("enterprise.json", pointer="/prior_support/pilot_2022"))
    if not reasons:
        return None
    return make_flag(
        "DUPLICATE_FUNDING",
        None,
        texts("Already centrally funded: {reason}", reason=reasons[0]),
        reasons,
        bi(
            "Ask the enterprise about earlier central funding and check the published lists of "
            "Little Giant fund recipients and 2022 pilot enterprises."
        ),
        evidence,
    )


def goal_actual(ctx: Context, key: str, system_id: str | None) -> tuple[Decimal, list[Evidence]]:
    """What the package's own data shows for a goal ``key`` (case-package.md)."""
    first, last = window(90, ctx.applied)
    sid = system_id or ""
    if key == "active_users":
        log = ctx.usage.get(sid)
        if log is None:
            return Decimal(0), []
        return Decimal(log.distinct_users(90)), ctx.usage_window_evidence(sid, first, last)
    if key == "records_per_month":
        rec = ctx.records.get(sid)
        if rec is None:
            return Decimal(0), []
        total = rec.created_between(first, last)
        rows = rec.rows_between(first, last)
        return Decimal(total) / 3, [Evidence(rec.path, rows=rows)]
    raise KeyError(key)


def check_goals(ctx: Context) -> list[Flag]:
    """GOAL_UNSUPPORTED (成效不实): a claimed result the package's own data does not show.

    Fires for a goal with a ``key`` whose ``claimed`` value is more than ``max_claim_ratio``
    (120 %) of what the data shows: ``active_users`` — distinct users of the goal's system in
    window(90, applied); ``records_per_month`` — the records created in that window divided by
    3. 20 % leaves room for users of other systems and records kept outside the log.

    Known false positive: a goal counting users or records of a second system not in the
    package.
    """
    limit = Decimal(str(ctx.settings["GOAL_UNSUPPORTED"]["max_claim_ratio"]))
    flags = []
    for i, goal in enumerate(ctx.package.project.goals):
        if goal.key not in ("active_users", "records_per_month"):
            continue
        actual, evidence = goal_actual(ctx, goal.key, goal.system_id)
        if goal.claimed <= limit * actual:
            continue
        shown = f"{actual.quantize(Decimal('0.1')):f}".removesuffix(".0")
        ratio = f"{goal.claimed / actual * 100:.0f}%" if actual else "∞"
        title = texts(
            "Claimed result not in the data: {metric} claimed {claimed}, data shows {actual}",
            metric=goal.metric,
            claimed=f"{goal.claimed:f}",
            actual=shown,
        )
        detail = texts(
            "goal {index} ({key}, system {system}): claimed {claimed} {unit}, the package's data "
            "shows {actual} ({ratio} of it)",
            index=i,
            key=goal.key,
            system=goal.system_id or "—",
            claimed=f"{goal.claimed:f}",
            unit=goal.unit,
            actual=shown,
            ratio=ratio,
        )
        flags.append(
            make_flag(
                "GOAL_UNSUPPORTED",
                f"goals/{i}",
                title,
                [detail],
                bi(
                    "Ask the enterprise to show in the system how it counts this figure, and "
                    "recount it together for one month."
                ),
                [Evidence("project.json", pointer=f"/goals/{i}"), *evidence],
                {"claimed": goal.claimed, "actual": actual},
            )
        )
    return flags


def check_self_assessment(ctx: Context) -> Flag | None:
    """SELF_ASSESSMENT_INFLATED (自评虚高): the claimed score or level is above the answers.

    Fires when ``claimed_score`` is more than ``max_score_excess`` (2 points: rounding and a
    mis-ticked option) above what the self-assessment's own answers give under the checklist,
    or ``claimed_level`` is above the level they reach. (The comparison with an expert's own
    score is the findings store's, not part of ``analyze``.)

    Known false positive: answers left out of the exported self-assessment by the platform.
    """
    from inspector_app.checklist import score_self_assessment
    from inspector_app.checklist.loader import UnknownChecklist

    sa = ctx.package.self_assessment
    if sa.claimed_score is None and sa.claimed_level is None:
        return None
    try:
        result = score_self_assessment(sa, checklist=ctx.checklist)
    except UnknownChecklist:
        return None
    excess = Decimal(ctx.settings["SELF_ASSESSMENT_INFLATED"]["max_score_excess"])
    found = Conditions(facts={"score": result.score, "level": result.level})
    if sa.claimed_score is not None and sa.claimed_score - result.score > excess:
        diff = (sa.claimed_score - result.score).normalize()
        found.add(
            texts(
                "Self-assessment inflated: claims {claimed} points, the answers give {score}",
                claimed=f"{sa.claimed_score:f}",
                score=f"{result.score:f}",
            ),
            texts(
                "claimed score {claimed} is {diff} points above the {score} its answers give",
                claimed=f"{sa.claimed_score:f}",
                diff=f"{diff:f}",
                score=f"{result.score:f}",
            ),
            Evidence("self_assessment.json", pointer="/claimed_score"),
        )
    if sa.claimed_level is not None and sa.claimed_level > result.level:
        found.add(
            texts(
                "Self-assessment inflated: claims level {claimed}, the answers reach {level}",
                claimed=sa.claimed_level,
                level=result.level,
            ),
            texts(
                "claimed level {claimed}, level reached by the answers {level}",
                claimed=sa.claimed_level,
                level=result.level,
            ),
            Evidence("self_assessment.json", pointer="/claimed_level"),
        )
    return found.flag(
        "SELF_ASSESSMENT_INFLATED",
        None,
        bi(
            "Go through the self-assessment with the enterprise item by item; for the items that "
            "score highest, ask to see the system function or document behind the answer."
        ),
    )


def check(ctx: Context) -> list[Flag]:
    flags = check_materials(ctx)
    for rule in (check_funding, check_self_assessment):
        flag = rule(ctx)
        if flag is not None:
            flags.append(flag)
    flags.extend(check_goals(ctx))
    return flags
