"""An independent, deliberately plain reading of the per-package rules of ``red-flags.md``.

Used to prove that every sample scenario trips its own rule and no other, without relying on
``inspector_app.analysis`` (written by someone else, from the same spec). It reads a plain
sample package straight from the ZIP with the standard library.
"""

from __future__ import annotations

import calendar
import csv
import io
import itertools
import json
import re
import statistics
import tomllib
import unicodedata
import zipfile
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from PIL import Image

from inspector_app.samples.photos import distance, phash
from inspector_app.samples.selfassess import CONSTRAINED, THRESHOLDS, question_points

EDITORS = ("Photoshop", "GIMP", "Lightroom", "美图秀秀", "Snapseed", "Meitu", "PicsArt")


def add_months(d: date, months: int) -> date:
    total = d.month - 1 + months
    y, m = d.year + total // 12, total % 12 + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def norm(name: str) -> str:
    s = unicodedata.normalize("NFKC", name)
    s = re.sub(r"[\s()（）]", "", s)
    for suffix in ("股份有限公司", "有限责任公司", "有限公司", "分公司"):
        if s.endswith(suffix):
            s = s[: -len(suffix)]
            break
    return s


def same_party(a: str, a_uscc: str | None, b: str, b_uscc: str | None) -> bool:
    if a_uscc and b_uscc:
        return a_uscc == b_uscc
    na, nb = norm(a), norm(b)
    return na == nb or na in nb or nb in na


class Package:
    def __init__(self, path: Path) -> None:
        self.zf = zipfile.ZipFile(path)
        self._usage: dict[str, list[tuple[datetime, str, str, str]]] = {}
        self.manifest = self.json("manifest.json")
        self.created_at = datetime.fromisoformat(self.manifest["created_at"])
        self.enterprise = self.json("enterprise.json")
        self.project = self.json("project.json")
        self.systems = self.json("systems.json")
        self.sa = self.json("self_assessment.json")
        self.contracts = self.csv("finance/contracts.csv")
        self.items = self.csv("finance/contract_items.csv")
        self.catalog = self.csv("finance/catalog.csv")
        self.invoices = self.csv("finance/invoices.csv")
        self.payments = self.csv("finance/payments.csv")
        self.applied = date.fromisoformat(self.project["acceptance_applied_at"])
        rules = (
            tomllib.loads(self.zf.read("settings/rules.toml").decode())
            if "settings/rules.toml" in self.zf.namelist()
            else {}
        )
        self.batch_deadlines = {
            k: date.fromisoformat(str(v))
            for k, v in rules.get("DEADLINE_EXCEEDED", {}).get("batch_deadlines", {}).items()
        }
        cal = rules.get("calendar", {})
        self.holidays = {date.fromisoformat(d) for d in cal.get("holidays", [])}
        self.workdays = {date.fromisoformat(d) for d in cal.get("workdays", [])}

    def json(self, name: str) -> Any:
        return json.loads(self.zf.read(name).decode("utf-8-sig"))

    def csv(self, name: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(self.zf.read(name).decode("utf-8-sig"))))

    def working(self, d: date) -> bool:
        if d in self.holidays:
            return False
        return d in self.workdays or d.weekday() < 5

    def usage(self, sid: str) -> list[tuple[datetime, str, str, str]] | None:
        if sid in self._usage:
            return self._usage[sid]
        name = f"logs/{sid}/usage.csv"
        if name not in self.zf.namelist():
            return None
        lines = self.zf.read(name).decode("utf-8-sig").splitlines()
        assert lines[0] == "timestamp,user_id,action,object"  # plain packages only
        parse = datetime.fromisoformat
        rows = []
        for line in lines[1:]:
            ts, user, action, obj = line.split(",")
            rows.append((parse(ts), user, action, obj))
        self._usage[sid] = rows
        return rows

    def records(self, sid: str) -> list[dict[str, str]]:
        name = f"logs/{sid}/records.csv"
        return self.csv(name) if name in self.zf.namelist() else []


def window(n: int, end: date) -> tuple[date, date]:
    return end - timedelta(days=n - 1), end


def fired(path: Path) -> dict[str, list[str]]:
    """Rule id → subjects (or details) for every rule that fires."""
    p = Package(path)
    out: dict[str, list[str]] = defaultdict(list)
    proj, applied = p.project, p.applied
    # MATERIALS_MISSING
    present = set()
    for f in p.manifest["files"]:
        if f.get("attachment"):
            present.add(f["attachment"])
        m = re.match(r"docs/附件(\d)", f["path"])
        if m:
            present.add(int(m.group(1)))
    for n in range(1, 9):
        if n not in present:
            out["MATERIALS_MISSING"].append(str(n))
    # DEADLINE_EXCEEDED
    if applied > add_months(date.fromisoformat(proj["completed_at"]), 3):
        out["DEADLINE_EXCEEDED"].append("")
    batch_deadline = p.batch_deadlines.get(proj["batch"])
    if batch_deadline is not None and applied > batch_deadline:
        out["DEADLINE_EXCEEDED"].append(f"batch {batch_deadline}")
    # DUPLICATE_FUNDING
    if any(p.enterprise["prior_support"].values()):
        out["DUPLICATE_FUNDING"].append("")
    # usage rules
    created_date = p.created_at.date()
    planned = proj.get("inspection_planned_at")
    for s in p.systems:
        sid = s["system_id"]
        go_live = date.fromisoformat(s["go_live"]) if s.get("go_live") else None
        events = p.usage(sid)
        if go_live is None or go_live > applied or events is None:
            out["USAGE_DORMANT"].append(sid)
            continue
        per_day: dict[date, int] = defaultdict(int)
        for ts, *_ in events:
            per_day[ts.date()] += 1
        # quiet runs between go_live and applied
        d, run, longest = go_live, 0, 0
        while d <= applied:
            run = 0 if per_day.get(d) else run + 1
            longest = max(longest, run)
            d += timedelta(days=1)
        w0, w1 = window(90, applied)
        wd = [
            x for x in (w0 + timedelta(days=i) for i in range(90)) if x >= go_live and p.working(x)
        ]
        share = sum(1 for x in wd if per_day.get(x)) / len(wd) if wd else 1.0
        if longest >= 30 or (len(wd) >= 10 and share < 0.2):
            out["USAGE_DORMANT"].append(f"{sid} quiet={longest} share={share:.2f}")
        # burst
        ends = [applied]
        if planned and date.fromisoformat(planned) <= created_date:
            ends.append(date.fromisoformat(planned))
        for end in ends:
            b0, b1 = window(30, end)
            earlier_days = (b0 - go_live).days
            if earlier_days < 30:
                continue
            late = sum(v for k, v in per_day.items() if b0 <= k <= b1) / 30
            early = sum(v for k, v in per_day.items() if go_live <= k < b0) / earlier_days
            if (early == 0 and late > 0) or (early > 0 and late >= 3 * early):
                out["USAGE_BURST"].append(f"{sid} {late:.1f}/{early:.1f}")
        users = {u for ts, u, *_ in events if w0 <= ts.date() <= w1}
        lic = s.get("licensed_users")
        if lic and len(users) < 0.3 * lic:
            out["USAGE_FEW_USERS"].append(f"{sid} {len(users)}/{lic}")
        # LOG_SYNTHETIC
        why = []
        gaps = [
            (b[0] - a[0]).total_seconds()
            for a, b in itertools.pairwise(events)
            if (b[0] - a[0]).total_seconds() <= 3600
        ]
        if len(gaps) >= 500:
            mean = statistics.fmean(gaps)
            cv = statistics.pstdev(gaps) / mean if mean else 0.0
            if cv < 0.1:
                why.append(f"cv={cv:.3f}")
        if len(events) >= 500:
            night = sum(1 for ts, *_ in events if 0 <= ts.hour < 5) / 5
            day = sum(1 for ts, *_ in events if 8 <= ts.hour < 18) / 10
            if night >= day:
                why.append("night")
        if any(ts > p.created_at for ts, *_ in events):
            why.append("future")
        if _repeated_runs(events):
            why.append("repeat")
        if why:
            out["LOG_SYNTHETIC"].append(f"{sid} {' '.join(why)}")
        # SYSTEM_PREDATES_PROJECT
        own = [
            c
            for c in p.contracts
            if c["contract_no"] == s.get("contract_no")
            or (c.get("party_b_uscc") and c["party_b_uscc"] == s.get("vendor_uscc"))
        ]
        ref = (
            min(date.fromisoformat(c["signed_at"]) for c in own)
            if own
            else date.fromisoformat(proj["registered_at"])
        )
        firsts = [go_live]
        if events:
            firsts.append(events[0][0].date())
        recs = [date.fromisoformat(r["date"]) for r in p.records(sid) if int(r["created"]) > 0]
        if recs:
            firsts.append(min(recs))
        if min(firsts) < ref - timedelta(days=30):
            out["SYSTEM_PREDATES_PROJECT"].append(sid)
    # photos
    registered = date.fromisoformat(proj["registered_at"])
    hashes: dict[str, int] = {}
    for f in p.manifest["files"]:
        if not f["path"].startswith("photos/"):
            continue
        data = p.zf.read(f["path"])
        img = Image.open(io.BytesIO(data))
        hashes[f["path"]] = phash(img)
        exif = img.getexif()
        sub = exif.get_ifd(0x8769)
        if 0x9003 in sub:
            dto = datetime.strptime(sub[0x9003], "%Y:%m:%d %H:%M:%S")
            off = sub.get(0x9011, "+08:00")
            dto_aware = datetime.fromisoformat(dto.isoformat() + off)
            if (
                dto_aware.astimezone(p.created_at.tzinfo).date() < registered
                and f.get("phase") != "before"
            ):
                out["PHOTO_PREDATES_PROJECT"].append(f["path"])
            software = exif.get(0x0131, "")
            modified = exif.get(0x0132)
            late = modified and datetime.strptime(modified, "%Y:%m:%d %H:%M:%S") - dto > timedelta(
                hours=24
            )
            if any(e.lower() in software.lower() for e in EDITORS) or late:
                out["PHOTO_EDITED"].append(f["path"])
    by_sha: dict[str, list[str]] = defaultdict(list)
    for f in p.manifest["files"]:
        by_sha[f["sha256"]].append(f["path"])
    for paths in by_sha.values():
        if len(paths) > 1:
            out["DUPLICATE_EVIDENCE"].append("|".join(sorted(paths)))
    names = sorted(hashes)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if distance(hashes[a], hashes[b]) <= 6:
                out["DUPLICATE_EVIDENCE"].append(f"{a}|{b}")
    _finance(p, out)
    _programme(p, out)
    # GOAL_UNSUPPORTED
    for gi, g in enumerate(proj["goals"]):
        if not g.get("key"):
            continue
        events = p.usage(g["system_id"]) or []
        w0, w1 = window(90, applied)
        if g["key"] == "active_users":
            actual = len({u for ts, u, *_ in events if w0 <= ts.date() <= w1})
        else:
            actual = (
                sum(
                    int(r["created"])
                    for r in p.records(g["system_id"])
                    if w0 <= date.fromisoformat(r["date"]) <= w1
                )
                / 3
            )
        if g["claimed"] > 1.2 * actual:
            out["GOAL_UNSUPPORTED"].append(f"goals/{gi} {g['claimed']}>{actual}")
    # SELF_ASSESSMENT_INFLATED
    total = Decimal(0)
    scenes: dict[str, int] = {}
    for item, v in p.sa["items"].items():
        if item.startswith("Q"):
            total += question_points(item, v["answer"])
        else:
            scenes[item] = v["level"]
    level = 0
    for n, (pts, k, kc) in sorted(THRESHOLDS.items()):
        at = [s for s, lv in scenes.items() if lv >= n]
        if total >= pts and len(at) >= k and len([s for s in at if s in CONSTRAINED]) >= kc:
            level = n
    if Decimal(str(p.sa["claimed_score"])) > total + 2 or p.sa["claimed_level"] > level:
        out["SELF_ASSESSMENT_INFLATED"].append(f"{p.sa['claimed_score']} vs {total}")
    return dict(out)


def _repeated_runs(
    events: list[tuple[datetime, str, str, str]], run: int = 20, dates: int = 3
) -> bool:
    per_user_day: dict[tuple[str, date], list[tuple[datetime, str, str]]] = defaultdict(list)
    for ts, u, a, o in events:
        per_user_day[(u, ts.date())].append((ts, a, o))
    # event i is (action, object, gap to event i-1); a run's first gap does not count
    prepared: list[tuple[str, date, list[int], list[int]]] = []
    dates_of: dict[tuple[str, int], set[date]] = defaultdict(set)
    for (u, d), evs in per_user_day.items():
        if len(evs) < run:
            continue
        keys = [hash((a, o)) for _, a, o in evs]
        gaps = [0] + [int((evs[i][0] - evs[i - 1][0]).total_seconds()) for i in range(1, len(evs))]
        full = [hash((k, g)) for k, g in zip(keys, gaps, strict=True)]
        prepared.append((u, d, keys, full))
        for f in full:
            dates_of[(u, f)].add(d)
    seen: dict[tuple[str, tuple[int, ...]], set[date]] = defaultdict(set)
    for u, d, keys, full in prepared:
        # only stretches whose every event recurs on enough dates can hold a repeated run
        ok = [len(dates_of[(u, f)]) >= dates for f in full]
        for i in range(len(full) - run + 1):
            if not all(ok[i + 1 : i + run]):
                continue
            s = seen[(u, (keys[i], *full[i + 1 : i + run]))]
            s.add(d)
            if len(s) >= dates:
                return True
    return False


def _finance(p: Package, out: dict[str, list[str]]) -> None:
    ent = p.enterprise
    contracts = {c["contract_no"]: c for c in p.contracts}

    def owner(name: str, uscc: str | None, no: str) -> str | None:
        if no:
            return no if no in contracts else None
        matches = [
            c["contract_no"]
            for c in p.contracts
            if same_party(name, uscc, c["party_b"], c.get("party_b_uscc"))
        ]
        return matches[0] if len(matches) == 1 else None

    invs: dict[str, list[dict[str, str]]] = defaultdict(list)
    for v in p.invoices:
        k = owner(v["seller"], v.get("seller_uscc"), v.get("contract_no", ""))
        if k:
            invs[k].append(v)
    pays: dict[str, list[dict[str, str]]] = defaultdict(list)
    for x in p.payments:
        if x["direction"] != "out":
            continue
        k = owner(x["payee"], None, x.get("contract_no", ""))
        if k:
            pays[k].append(x)
    for no, c in contracts.items():
        amount = Decimal(c["amount_yuan"])
        inv_total = sum((Decimal(v["total_yuan"]) for v in invs[no]), Decimal(0))
        bad = abs(inv_total - amount) > amount * Decimal("0.01")
        for v in invs[no]:
            if not same_party(
                v["seller"], v.get("seller_uscc"), c["party_b"], c.get("party_b_uscc")
            ):
                bad = True
            if not same_party(v["buyer"], v.get("buyer_uscc"), ent["name"], ent["uscc"]):
                bad = True
            if v["issued_at"] < c["signed_at"]:
                out["INVOICE_BEFORE_CONTRACT"].append(no)
        if bad:
            out["CONTRACT_INVOICE_MISMATCH"].append(no)
        paid = sum((Decimal(x["amount_yuan"]) for x in pays[no]), Decimal(0))
        wrong_payee = any(not same_party(x["payee"], None, c["party_b"], None) for x in pays[no])
        wrong_payer = any(not same_party(x["payer"], None, ent["name"], None) for x in pays[no])
        if (
            wrong_payee
            or wrong_payer
            or paid > inv_total * Decimal("1.01")
            or paid < inv_total * Decimal("0.9")
        ):
            out["PAYMENT_MISMATCH"].append(f"{no} paid={paid} invoiced={inv_total}")
    # PAYMENT_REFLUX
    providers = [(x["name"], x["uscc"]) for x in p.project["providers"]]
    providers += [(s["vendor"], s.get("vendor_uscc")) for s in p.systems if s.get("vendor")]
    providers += [(c["party_b"], c.get("party_b_uscc")) for c in p.contracts]
    for x in p.payments:
        if x["direction"] != "in" or Decimal(x["amount_yuan"]) < 1000:
            continue
        for name, uscc in providers:
            if not same_party(x["payer"], None, name, None):
                continue
            outs = [
                y["paid_at"]
                for y in p.payments
                if y["direction"] == "out" and same_party(y["payee"], None, name, None)
            ]
            if outs and x["paid_at"] > min(outs):
                out["PAYMENT_REFLUX"].append(uscc or norm(name))
                break
    # PRICE_OUTLIER
    listed = {c["catalog_code"]: Decimal(c["listed_unit_price_yuan"]) for c in p.catalog}
    for i in p.items:
        code = i.get("catalog_code")
        if (
            code
            and code in listed
            and Decimal(i["unit_price_yuan"]) > listed[code] * Decimal("1.3")
        ):
            out["PRICE_OUTLIER"].append(f"{i['contract_no']}/{i['line_no']}")


def _programme(p: Package, out: dict[str, list[str]]) -> None:
    """CONTRACT_INCONSISTENT, PRODUCT_NOT_LISTED, INVESTMENT_UNSUPPORTED, SUBSIDY_EXCESSIVE,
    TARGET_MISSED with their default settings."""
    ent, proj = p.enterprise, p.project

    def is_ent(name: str, uscc: str | None = None) -> bool:
        return same_party(name, uscc, ent["name"], ent["uscc"])

    # CONTRACT_INCONSISTENT
    for c in p.contracts:
        items = [i for i in p.items if i["contract_no"] == c["contract_no"]]
        amount = Decimal(c["amount_yuan"])
        bad = not is_ent(c["party_a"])
        if items:
            total = sum((Decimal(i["amount_yuan"]) for i in items), Decimal(0))
            bad |= abs(total - amount) > abs(amount) * Decimal("0.01")
        for i in items:
            line = Decimal(i["quantity"]) * Decimal(i["unit_price_yuan"])
            bad |= abs(Decimal(i["amount_yuan"]) - line) > 1
        if bad:
            out["CONTRACT_INCONSISTENT"].append(c["contract_no"])
    # PRODUCT_NOT_LISTED
    if p.catalog:
        providers: dict[str, list[str]] = defaultdict(list)
        for e in p.catalog:
            providers[e["catalog_code"]].append(e["provider"])
        party_b = {c["contract_no"]: c for c in p.contracts}
        for i in p.items:
            if i["category"] not in ("software", "saas", "cloud"):
                continue
            code = i.get("catalog_code") or ""
            c = party_b.get(i["contract_no"])
            if (
                not code
                or code not in providers
                or (
                    c is not None
                    and not any(
                        same_party(pr, None, c["party_b"], c.get("party_b_uscc"))
                        for pr in providers[code]
                    )
                )
            ):
                out["PRODUCT_NOT_LISTED"].append(f"{i['contract_no']}/{i['line_no']}")
    # INVESTMENT_UNSUPPORTED
    claim = Decimal(proj["total_investment_yuan"])
    contracted = sum(
        (Decimal(c["amount_yuan"]) for c in p.contracts if is_ent(c["party_a"])), Decimal(0)
    )
    invoiced = sum(
        (Decimal(v["total_yuan"]) for v in p.invoices if is_ent(v["buyer"], v.get("buyer_uscc"))),
        Decimal(0),
    )
    if claim > contracted * Decimal("1.05") or claim > invoiced * Decimal("1.05"):
        out["INVESTMENT_UNSUPPORTED"].append(f"{claim} vs {contracted}/{invoiced}")
    # SUBSIDY_EXCESSIVE
    requested = Decimal(proj["subsidy_requested_yuan"])
    if requested > claim * Decimal("0.5") or requested > Decimal("1000000"):
        out["SUBSIDY_EXCESSIVE"].append(f"{requested} of {claim}")
    # TARGET_MISSED
    for gi, g in enumerate(proj["goals"]):
        base, target, claimed = g["baseline"], g["target"], g["claimed"]
        if (target > base and claimed < target) or (target < base and claimed > target):
            out["TARGET_MISSED"].append(f"goals/{gi}")
    claimed_level = p.sa.get("claimed_level")
    if claimed_level is not None and claimed_level < proj["level_target"]:
        out["TARGET_MISSED"].append("level")
