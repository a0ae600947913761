"""Benchmark: import N bundles (60 findings and 3 photos of ~2 MB each) into one agency store.

Prints, measured in the same run on the same files:

* **baseline** — only decrypting every bundle (age) and verifying its signatures: the
  manifest's Ed25519 signature, every entry's SHA-256 against the signed manifest, and every
  finding's own Ed25519 signature (what any honest reader of a bundle must do);
* **import** — ``bundle import`` of the same files into a fresh agency store: the above plus
  the chain checks, the transaction (records, checkpoint, bundle, device head, receipt) and
  the durable (fsync'ed) attachment files;
* the ratio import / baseline (goal ≤ 1.5), in wall-clock time and in CPU time (on a shared
  machine the wall-clock ratio also measures how much CPU the other processes left);
* **pHash indexing** of the imported photos, on its own (photos per second, ``--workers``
  processes, JPEG draft decoding; goal ≥ 40 on 2 cores).

Usage::

    .venv/bin/python benchmarks/bench_bundles.py                 # 1,000 bundles (≈ 6 GB)
    .venv/bin/python benchmarks/bench_bundles.py --count 50      # a quick run

The bundles are generated first (not timed): records are signed directly with the expert
keys, photos are a few ~2 MB JPEGs made unique by a JPEG comment segment (distinct SHA-256,
so each is stored and hashed separately).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageDraw, ImageFilter  # noqa: E402

from inspector_app import canonjson, identity  # noqa: E402
from inspector_app.findings.records import (  # noqa: E402
    checkpoint_body,
    parse_checkpoint,
    parse_record,
    record_body,
)
from inspector_app.home import Home  # noqa: E402
from sync.agency import AgencyStore  # noqa: E402
from sync.bundle import BundleContent, open_bundle, prepare_bundle  # noqa: E402
from sync.records import verify_content  # noqa: E402

PASSPHRASE = "benchmark passphrase"
ITEMS = [f"Q{i}" for i in range(1, 16)] + [f"S{i}" for i in range(1, 17)]


def base_photos(n: int, size: int, seed: int) -> list[bytes]:
    """``n`` different photo-like JPEGs (12 MP: a gradient, thousands of shapes, a little
    sensor-like noise) of about ``size`` bytes.

    Decoding cost depends on the entropy of the data: pure noise at this size decodes 2–3 ×
    slower than a photograph; these images sit in between.
    """
    rnd = random.Random(seed)
    out = []
    w, h = 4000, 3000
    for _ in range(n):
        img = Image.linear_gradient("L").rotate(rnd.randrange(360)).resize((w, h)).convert("RGB")
        draw = ImageDraw.Draw(img)
        for _shape in range(4000):
            x, y, r = rnd.randrange(w), rnd.randrange(h), rnd.randrange(8, 160)
            colour = (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256))
            draw.ellipse((x, y, x + r, y + int(r * (0.2 + rnd.random()))), fill=colour)
        noise = Image.merge("RGB", [Image.effect_noise((w, h), 10) for _c in range(3)])
        img = Image.blend(img, noise, 0.08).filter(ImageFilter.GaussianBlur(0.7))
        lo, hi, best = 80, 97, b""
        while lo <= hi:  # the highest quality whose size stays within ``size``
            q = (lo + hi) // 2
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=q)
            if buf.tell() <= size:
                best, lo = buf.getvalue(), q + 1
            else:
                hi = q - 1
        out.append(best or buf.getvalue())
    return out


def unique_jpeg(base: bytes, tag: str) -> bytes:
    payload = tag.encode()
    segment = b"\xff\xfe" + (len(payload) + 2).to_bytes(2, "big") + payload
    return base[:2] + segment + base[2:]


def make_bundles(args: argparse.Namespace, work: Path) -> tuple[Home, list[Path], float]:
    t0 = time.perf_counter()
    agency_home = Home(work / "agency-template").ensure()
    identity.init_identity(
        agency_home, name="机构", role="agency", passphrase=PASSPHRASE, _kdf=identity.TEST_KDF
    )
    agency_card = identity.own_card(agency_home)
    bases = base_photos(args.base_photos, args.photo_size, 7)
    out = work / "bundles"
    out.mkdir()
    photo_dir = work / "photos"
    photo_dir.mkdir()
    paths: list[Path] = []
    per_expert = max(1, -(-args.count // args.experts))
    made = 0
    for e in range(args.experts):
        home = Home(work / f"expert-{e}").ensure()
        identity.init_identity(
            home, name=f"专家{e}", role="expert", passphrase=PASSPHRASE, _kdf=identity.TEST_KDF
        )
        identity.trust_card(agency_home, home.identity_dir / "card.json")
        me = identity.unlock(home, PASSPHRASE)
        key = me.public_key
        seq, prev, prev_bundle = 0, None, None
        for number in range(1, per_expert + 1):
            if made >= args.count:
                break
            case_id = str(uuid.UUID(int=random.getrandbits(128), version=4))
            attachments = {}
            refs = []
            for p in range(args.photos):
                data = unique_jpeg(
                    bases[(made * args.photos + p) % len(bases)], f"{e}-{number}-{p}"
                )
                digest = hashlib.sha256(data).hexdigest()
                path = photo_dir / digest
                path.write_bytes(data)
                attachments[digest] = (len(data), str(path))
                refs.append({"sha256": digest, "name": f"现场照片{p + 1}.jpg", "size": len(data)})
            records = []
            first = seq + 1
            for i in range(args.findings):
                seq += 1
                if i == args.findings - 1:
                    kind, data = "observation", {"text": "现场照片", "attachments": refs}
                else:
                    item = ITEMS[i % len(ITEMS)]
                    kind = "score"
                    data = (
                        {"item": item, "level": i % 5}
                        if item.startswith("S")
                        else {"item": item, "answer": "B"}
                    )
                body = record_body(
                    finding_id=str(uuid.uuid4()),
                    case_id=case_id,
                    signer_key=key,
                    seq=seq,
                    prev=prev,
                    created_at="2026-11-28T09:00:00+08:00",
                    kind=kind,
                    supersedes=None,
                    data=data,
                )
                rec = parse_record(body, me.sign(body))
                prev = rec.hash
                records.append(rec)
            cp_body = checkpoint_body(
                signer_key=key,
                seq=seq,
                head=prev,
                head_finding_id=records[-1].finding_id,
                created_at="2026-11-28T09:00:00+08:00",
            )
            cp = parse_checkpoint(cp_body, me.sign(cp_body))
            content = BundleContent(
                number=number,
                previous_bundle=prev_bundle,
                first_seq=first,
                last_seq=seq,
                previous_head=records[0].prev,
                head=prev,
                checkpoint=cp.to_wire(),
                cases=[
                    {
                        "case_id": case_id,
                        "uscc": f"91530100MA6K{e:02d}{number:04d}",
                        "project_id": f"P{number}",
                        "enterprise": f"企业{number}",
                        "package_sha256": None,
                    }
                ],
                findings=[canonjson.dumpb(r.to_wire()) for r in records],
                attachments=attachments,
                agency=agency_card,
                expert_card=me.card().to_json(),
                created_at="2026-11-28T09:00:00+08:00",
            )
            prepared = prepare_bundle(content, me)
            written = prepared.write(out, [agency_card.recipient, me.recipient])
            prev_bundle = written.bundle_hash
            paths.append(written.path)
            made += 1
            for _digest, (_size, p) in attachments.items():
                Path(p).unlink()
    return agency_home, paths, time.perf_counter() - t0


def baseline(paths: list[Path], agency_home: Home) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of decrypting and verifying every bundle."""
    me = identity.unlock(agency_home, PASSPHRASE)
    lookup = identity.trusted_lookup(agency_home)
    cpu0 = _cpu_seconds()
    t0 = time.perf_counter()
    for path in paths:
        opened = open_bundle(path.read_bytes(), me, lookup, expected_agency=me.fingerprint)
        verify_content(opened)  # every finding's signature, chain and checkpoint
    return time.perf_counter() - t0, _cpu_seconds() - cpu0


def _cpu_seconds() -> float:
    """User + system CPU time of this process and its finished children (pHash workers)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="bundles (default 1000)")
    parser.add_argument("--experts", type=int, default=10, help="expert devices (default 10)")
    parser.add_argument("--findings", type=int, default=60, help="findings per bundle")
    parser.add_argument("--photos", type=int, default=3, help="photos per bundle")
    parser.add_argument("--photo-size", type=int, default=2_000_000, help="bytes per photo")
    parser.add_argument("--base-photos", type=int, default=4, help="distinct images to vary")
    parser.add_argument("--workers", type=int, default=2, help="processes for pHash indexing")
    parser.add_argument("--dir", help="work folder (default: a temporary one, removed)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    work = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="bench-bundles-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        agency_home, paths, made_s = make_bundles(args, work)
        total = sum(p.stat().st_size for p in paths)
        os.sync()  # the generation's write-back must not slow the timed phases down
        base1, base1_cpu = baseline(paths, agency_home)
        target = Home(work / "agency")
        shutil.copytree(agency_home.root, target.root)
        me = identity.unlock(target, PASSPHRASE)
        store = AgencyStore(target, me, identity.trusted_lookup(target))
        cpu0 = _cpu_seconds()
        t0 = time.perf_counter()
        outcomes = store.import_files(paths)
        import_s = time.perf_counter() - t0
        import_cpu = _cpu_seconds() - cpu0
        bad = [o for o in outcomes if o.status != "merged"]
        if bad:
            print(json.dumps(bad[0].to_json(), ensure_ascii=False), file=sys.stderr)
            return 1
        os.sync()
        base2, base2_cpu = baseline(paths, agency_home)
        base_s = statistics.mean([base1, base2])
        base_cpu = statistics.mean([base1_cpu, base2_cpu])
        # pHash indexing of the imported photos, on its own
        from sync.attachments import store_of
        from sync.cross import index as idx

        astore = store_of(target)
        items = [
            ("case", "uscc", sha[:8], sha, astore.path_of(sha))
            for (sha,) in store.db.execute("SELECT sha256 FROM sync_attachments").fetchall()
        ]
        conn = idx.open_index(target)
        os.sync()
        cpu0 = _cpu_seconds()
        t0 = time.perf_counter()
        hashed = idx.index_bundle_photos(conn, items, workers=args.workers)
        phash_s = time.perf_counter() - t0
        phash_cpu = _cpu_seconds() - cpu0
        decoded = conn.execute("SELECT COUNT(*) FROM phashes WHERE phash IS NOT NULL").fetchone()[0]
        conn.close()
        figures = {
            "bundles": len(paths),
            "findings_per_bundle": args.findings,
            "photos_per_bundle": args.photos,
            "bundle_bytes_total": total,
            "generate_s": round(made_s, 2),
            "baseline_decrypt_verify_s": round(base_s, 2),
            "baseline_runs_s": [round(base1, 2), round(base2, 2)],
            "import_s": round(import_s, 2),
            "ratio_import_to_baseline": round(import_s / base_s, 3),
            "baseline_cpu_s": round(base_cpu, 2),
            "import_cpu_s": round(import_cpu, 2),
            "ratio_cpu_import_to_baseline": round(import_cpu / base_cpu, 3),
            "import_bundles_per_s": round(len(paths) / import_s, 1),
            "import_mb_per_s": round(total / import_s / 1e6, 1),
            "phash_photos": hashed,
            "phash_decoded": decoded,
            "phash_workers": args.workers,
            "phash_s": round(phash_s, 2),
            "phash_photos_per_s": round(hashed / phash_s, 1) if phash_s else None,
            "phash_cpu_s": round(phash_cpu, 2),
            "phash_photos_per_cpu_s": round(hashed / phash_cpu, 1) if phash_cpu else None,
            "load_average_1min": round(os.getloadavg()[0], 2),
            "cpu_count": os.cpu_count(),
        }
        if args.json:
            print(json.dumps(figures, indent=2))
        else:
            for k, v in figures.items():
                print(f"{k:30} {v}")
            print(
                f"ratio import/baseline = {figures['ratio_import_to_baseline']} wall, "
                f"{figures['ratio_cpu_import_to_baseline']} CPU (goal ≤ 1.5); "
                f"pHash {figures['phash_photos_per_s']} photos/s on {args.workers} workers, "
                f"{figures['phash_photos_per_cpu_s']} photos per CPU-second (goal ≥ 40/s on 2 cores); "
                f"load average {figures['load_average_1min']}"
            )
        return 0
    finally:
        if not args.dir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
