"""Rendering a :class:`~inspector_app.samples.case.Case` into package entries.

Entries come out of a generator in the order they are written: the usage logs first (their
statistics — distinct users and records in the 90 days before the application — are
gathered while they stream), then everything that quotes those statistics (goals, 附件6/7),
then the rest. The writer consumes the generator lazily, so each log is fully written before
the JSON that depends on it is rendered.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from PIL import Image

from inspector_app.samples import documents, forms, photos
from inspector_app.samples.calendar import calendar_between
from inspector_app.samples.case import Case, Goal, PhotoSpec
from inspector_app.samples.finance import (
    catalog_rows,
    columns,
    contract_rows,
    invoice_rows,
    item_rows,
    payment_rows,
)
from inspector_app.samples.logs import LogStats, records_text, usage_chunks
from inspector_app.samples.selfassess import engine_score
from inspector_app.samples.writer import Encoding, Entry, gzip_chunks
from inspector_app.values import isoformat, money_str, window

ISSUER = {"id": "kmszpt", "name": "昆明市中小企业数字化转型公共服务平台"}
_BANKS = (
    "中国工商银行",
    "中国建设银行",
    "中国农业银行",
    "富滇银行",
    "昆明农村商业银行",
    "中国银行",
)


def _num(v: float) -> int | float:
    return int(v) if float(v).is_integer() else v


def finalize_goals(case: Case, stats: dict[str, LogStats]) -> None:
    """Key goals claim what the data shows, times the case's claim factor."""
    for g in case.goals:
        if g.key is None or g.system_id not in stats:
            continue
        st = stats[g.system_id]
        if g.key == "active_users":
            actual = float(len(st.users_in_window))
        else:
            actual = st.created_in_window / 3
        claimed = float(int(actual * g.claim_factor) + (1 if g.claim_factor > 1.2 else 0))
        g.claimed = claimed
        if g.target == 0 or (g.claim_factor <= 1 and g.target > claimed):
            g.target = float(int(min(claimed, actual) * 0.8)) if g.target == 0 else claimed
        if g.key == "active_users" and g.target > claimed:
            g.target = claimed


def _goal_json(g: Goal) -> dict[str, Any]:
    return {
        "metric": g.metric,
        "unit": g.unit,
        "baseline": _num(g.baseline),
        "target": _num(g.target),
        "claimed": _num(g.claimed or 0),
        "key": g.key,
        "system_id": g.system_id,
    }


def entries(
    case: Case, enc: Encoding, *, photo_size: tuple[int, int] = (1024, 768)
) -> Iterator[Entry]:
    stats: dict[str, LogStats] = {}
    win = window(90, case.applied)
    gz = enc.variant == "gzip-log"
    # --- logs ---
    for sp in case.systems:
        if not sp.has_log or (sp.go_live is None and sp.plan_start is None):
            continue
        st = stats[sp.system_id] = LogStats(win)
        plan = sp.plan(case.seed, case.log_end)
        name = f"logs/{sp.system_id}/usage.csv"

        def usage(plan: Any = plan, st: LogStats = st, name: str = name) -> Iterator[bytes]:
            return enc.log_chunks(name, usage_chunks(plan, st))

        yield Entry(
            name + ".gz" if gz else name,
            chunks=partial(_gzipped, usage) if gz else usage,
            kind="log",
            title=f"{sp.kind.name}操作日志",
            compress=not gz,
        )
        rec_name = f"logs/{sp.system_id}/records.csv"
        yield Entry(
            rec_name,
            data=b"".join(enc.log_chunks(rec_name, [records_text(st, list(sp.kind.objects))])),
            kind="data",
            title=f"{sp.kind.name}业务单据日统计",
        )
    finalize_goals(case, stats)
    # --- structured data ---
    computed, lv = engine_score(case.answers)
    yield Entry(
        "enterprise.json",
        data=enc.encode_json(enterprise_json(case)),
        kind="data",
        title="企业基本信息",
    )
    yield Entry(
        "project.json", data=enc.encode_json(project_json(case)), kind="data", title="项目立项信息"
    )
    yield Entry(
        "systems.json", data=enc.encode_json(systems_json(case)), kind="data", title="系统清单"
    )
    yield Entry(
        "self_assessment.json",
        data=enc.encode_json(self_assessment_json(case, computed, lv)),
        attachment=8,
        kind="form",
        title="改造后自评测",
    )
    for name, rows in (
        ("finance/contracts.csv", contract_rows(case.contracts)),
        ("finance/contract_items.csv", item_rows(case.contracts)),
        ("finance/catalog.csv", catalog_rows(case.catalog)),
        ("finance/invoices.csv", invoice_rows(case.invoices)),
        ("finance/payments.csv", payment_rows(case.payments)),
    ):
        yield Entry(name, data=enc.csv_bytes(name, columns(name), rows), kind="data")
    yield Entry(
        "settings/rules.toml",
        data=rules_toml(case).encode("utf-8"),
        kind="data",
        title="本批次核查规则",
    )
    # --- documents ---
    yield from document_entries(case, stats, computed, lv)
    # --- photos ---
    yield from photo_entries(case, photo_size)


def _gzipped(source: Callable[[], Iterable[bytes]]) -> Iterator[bytes]:
    return gzip_chunks(source())


def enterprise_json(case: Case) -> dict[str, Any]:
    return {
        "name": case.ent.name,
        "uscc": case.uscc,
        "district": case.ent.district,
        "industry_code": case.ent.industry_code,
        "industry_name": case.ent.industry_name,
        "size": case.size_class,
        "employees": case.employees,
        "prior_support": dict(case.prior_support),
        "contact": {"name": case.contact.name, "phone": case.phone},
    }


def project_json(case: Case) -> dict[str, Any]:
    return {
        "project_id": case.project_id,
        "title": case.title,
        "batch": case.batch,
        "registered_at": case.registered.isoformat(),
        "diagnosis_completed_at": case.diagnosis.isoformat(),
        "completed_at": case.completed.isoformat(),
        "acceptance_applied_at": case.applied.isoformat(),
        "inspection_planned_at": case.planned.isoformat() if case.planned else None,
        "providers": [{"name": p.name, "uscc": p.uscc} for p in case.providers],
        "total_investment_yuan": money_str(case.total_investment),
        "subsidy_requested_yuan": money_str(case.subsidy_requested),
        "subsidy_prepaid_yuan": money_str(case.subsidy_prepaid),
        "level_before": case.level_before,
        "level_target": case.level_target,
        "goals": [_goal_json(g) for g in case.goals],
    }


def systems_json(case: Case) -> list[dict[str, Any]]:
    return [
        {
            "system_id": s.system_id,
            "name": s.kind.name,
            "vendor": s.vendor.name,
            "vendor_uscc": s.vendor.uscc,
            "modules": list(s.kind.modules),
            "deployment": s.deployment,
            "go_live": s.go_live.isoformat() if s.go_live else None,
            "licensed_users": s.licensed_users,
            "contract_no": s.contract_no,
        }
        for s in case.systems
    ]


def self_assessment_json(case: Case, computed: Decimal, lv: int) -> dict[str, Any]:
    a = case.answers
    items: dict[str, Any] = {}
    for qid, ans in a.questions.items():
        item: dict[str, Any] = {"answer": ans}
        if qid in a.figures:
            item["figures"] = a.figures[qid]
        item["evidence"] = a.evidence.get(qid, [])
        items[qid] = item
    for sid, level_ in a.scenes.items():
        items[sid] = {"level": level_, "evidence": a.evidence.get(sid, [])}
    claimed = computed + case.score_excess
    return {
        "checklist": "miit-2024",
        "assessed_at": case.assessed.isoformat(),
        "items": items,
        "claimed_score": float(claimed),
        "claimed_level": lv + case.level_excess,
    }


def rules_toml(case: Case) -> str:
    start = min(case.registered - timedelta(days=400), case.applied - timedelta(days=400))
    holidays, workdays = calendar_between(start, case.created_at.date() + timedelta(days=60))

    def fmt(ds: list[date]) -> str:
        return "[" + ", ".join(f'"{d.isoformat()}"' for d in ds) + "]"

    text = (
        f"# {ISSUER['name']} — 第{case.batch}批验收核查规则\n"
        "# 法定节假日及调休上班日（国务院办公厅通知）\n"
        "[calendar]\n"
        f"holidays = {fmt(holidays)}\n"
        f"workdays = {fmt(workdays)}\n"
    )
    if case.batch_deadline is not None:
        text += (
            "# 本批次验收申请截止日期\n"
            "[DEADLINE_EXCEEDED]\n"
            f'batch_deadlines = {{"{case.batch}" = {case.batch_deadline.isoformat()}}}\n'
        )
    return text


def manifest_bytes(case: Case, files: list[dict[str, Any]], enc: Encoding) -> bytes:
    return enc.encode_json(
        {
            "format": "sme-dx-case",
            "format_version": "1.0",
            "package_id": case.package_id,
            "created_at": isoformat(case.created_at),
            "issuer": ISSUER,
            "batch": case.batch,
            "checklist": "miit-2024",
            "files": files,
        }
    )


def _doc(n: int, name: str, data: bytes, kind: str, title: str) -> Entry:
    """The entry of document ``name`` of 附件``n``, in that attachment's folder."""
    path = f"docs/附件{n}_{forms.ATTACHMENTS[n]}/{name}"
    return Entry(path, data=data, attachment=n, kind=kind, title=title)


def document_entries(
    case: Case, stats: dict[str, LogStats], computed: Decimal, lv: int
) -> Iterator[Entry]:
    rng = case.rng
    skip = case.omit_attachments
    if 1 not in skip:
        yield _doc(1, "验收档案.pdf", forms.archive_pdf(case), "report", "验收档案")
    if 2 not in skip:
        yield _doc(2, "验收申请表.pdf", forms.application_pdf(case), "form", "试点项目验收申请表")
    if 3 not in skip:
        yield _doc(3, "财务核查表.pdf", forms.finance_sheet_pdf(case), "form", "财务核查表")
    if 4 not in skip:
        go_live = min((s.go_live for s in case.systems if s.go_live), default=case.completed)
        for c in case.contracts:
            plan = [
                (p.memo, p.amount)
                for p in case.payments
                if p.contract_no == c.contract_no and p.direction == "out"
            ]
            data = documents.contract_pdf(
                c,
                enterprise_uscc=case.uscc,
                district=case.ent.district,
                buyer_contact=f"{case.contact.name} {case.phone}",
                vendor_contact=f"{c.party_b.name[2:4]}项目经理",
                go_live=go_live,
                payments_plan=plan,
            )
            yield _doc(4, f"合同{c.contract_no}.pdf", data, "contract", c.subject)
    if 5 not in skip:
        for v in case.invoices:
            data = documents.invoice_pdf(v)
            yield _doc(
                5, f"发票_{v.invoice_no}.pdf", data, "invoice", f"电子发票（{v.seller.name}）"
            )
        bank = _BANKS[case.seed % len(_BANKS)]
        account = f"2502{rng.randint(10**14, 10**15 - 1)}"
        for p in case.payments:
            other = f"5300{rng.randint(10**14, 10**15 - 1)}"
            data = documents.receipt_pdf(
                p,
                payer_account=account if p.direction == "out" else other,
                payee_account=other if p.direction == "out" else account,
                bank=bank,
            )
            name = f"银行回单_{p.paid_at:%Y%m%d}_{p.bank_ref[-6:]}.pdf"
            yield _doc(5, name, data, "payment", f"付款凭证（{p.memo}）")
    if 6 not in skip:
        data = forms.summary_pdf(case, stats)
        yield _doc(6, "项目总结报告.pdf", data, "report", "项目总结报告")
    if 7 not in skip:
        data = forms.evidence_pdf(case, stats)
        yield _doc(7, "改造成效佐证材料.pdf", data, "report", "改造成效佐证材料")
        if case.size == "large":
            yield from daily_reports(case, stats)
    if 8 not in skip:
        data = forms.self_assessment_pdf(case, computed, lv)
        yield _doc(8, "自评测表.pdf", data, "form", "中小企业数字化水平自评测表")


def daily_reports(case: Case, stats: dict[str, LogStats]) -> Iterator[Entry]:
    """生产日报: one PDF per day of the main system's records (the large package)."""
    main = case.systems[0]
    st = stats.get(main.system_id)
    if st is None:
        return
    by_day: dict[date, list[tuple[str, int, int]]] = {}
    for (d, kind), (created, updated) in st.records.items():
        by_day.setdefault(d, []).append((kind, created, updated))
    for d in sorted(by_day):
        yield _doc(
            7,
            f"生产日报/{d:%Y-%m}/生产日报_{d:%Y%m%d}.pdf",
            forms.daily_report_pdf(case, d, sorted(by_day[d])),
            "report",
            f"{main.kind.short_name}生产日报 {d.isoformat()}",
        )


def photo_entries(case: Case, size: tuple[int, int]) -> Iterator[Entry]:
    """The photos, guaranteed far apart in pHash except for a planted copy.

    The large package draws its photos small (enlarged with grain afterwards) in worker
    processes, a batch at a time so that memory stays bounded.
    """
    large = case.size == "large"
    drawn = (400, 300) if large else size
    guard = photos.MIN_DISTANCE if not large else 8
    hashes: list[int] = []
    kept: dict[str, Any] = {}
    copied = {p.copy_of for p in case.photos if p.copy_of}

    def job(ph: PhotoSpec, attempt: int) -> photos.PhotoJob:
        seed = f"{case.seed}:{ph.path}:{attempt}"
        return (ph.scene, seed, size, drawn, ph.taken, ph.modified, ph.make, ph.model, ph.software)

    def accept(ph: PhotoSpec, data: bytes, h: int) -> bytes:
        attempt = 0
        while any(photos.distance(h, o) <= guard for o in hashes):
            attempt += 1
            data, h = photos.photo_job(job(ph, attempt))
        hashes.append(h)
        return data

    plain = [p for p in case.photos if p.copy_of is None]
    batch = 96
    pool = _pool() if large else None
    try:
        for start in range(0, len(plain), batch):
            part = plain[start : start + batch]
            jobs = [job(p, 0) for p in part]
            results = (
                list(pool.map(photos.photo_job, jobs))
                if pool
                else [photos.photo_job(j) for j in jobs]
            )
            for ph, (raw, h) in zip(part, results, strict=True):
                data = accept(ph, raw, h)
                if ph.path in copied:
                    kept[ph.path] = data
                yield _photo_entry(ph, data, compress=not large)
    finally:
        if pool is not None:
            pool.shutdown()
    for ph in case.photos:
        if ph.copy_of is None:
            continue
        with Image.open(io.BytesIO(kept[ph.copy_of])) as original:
            img = photos.near_copy(original.convert("RGB"), f"{case.seed}:{ph.path}")
        data = photos.jpeg(
            img,
            taken=ph.taken,
            modified=ph.modified,
            make=ph.make,
            model=ph.model,
            software=ph.software,
        )
        yield _photo_entry(ph, data)


def _photo_entry(ph: PhotoSpec, data: bytes, *, compress: bool = True) -> Entry:
    """A photo entry; the large package stores JPEGs uncompressed, as ``zip -n .jpg`` does."""
    return Entry(
        ph.path,
        data=data,
        attachment=ph.attachment,
        kind="photo",
        title=ph.title,
        phase=ph.phase,
        compress=compress,
    )


def _pool() -> Any:
    """Worker processes for the large package's photos, or None where they cannot start."""
    import os
    from concurrent.futures import ProcessPoolExecutor

    try:
        return ProcessPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1)))
    except (OSError, NotImplementedError, ImportError):  # pragma: no cover - restricted platforms
        return None


__all__ = ["entries", "manifest_bytes"]
