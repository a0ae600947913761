"""The tamper suite of issue 6: every damaged, forged, misdirected, replayed, rolled-back or
forking bundle is refused (a replay is a no-op) with a clear bilingual message, and the agency
store is unchanged — compared before and after."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyrage
import pytest

from inspector_app import canonjson
from inspector_app.i18n import Message
from inspector_app.identity import UnlockedIdentity, b64
from sync.agency import AgencyStore, snapshot
from sync.bundle import SIGNATURE_DOMAIN, decrypt, sign_manifest
from sync.tarstream import ChunkReader, Source, iter_archive, read_archive

from .conftest import Expert, World, copy_in, local, make_home

_CJK = re.compile(r"[\u4e00-\u9fff]")


def _bilingual(message: Message) -> bool:
    """A message with a Chinese text and an English one (shown in one language)."""
    zh, en = message.render("zh_CN"), message.render("en")
    return bool(_CJK.search(zh)) and zh != en and bool(re.search(r"[A-Za-z]{4}", en))


def repack(
    path: Path,
    opener: UnlockedIdentity,
    recipient: pyrage.x25519.Recipient,
    modify: Callable[[dict[str, bytes]], dict[str, bytes]],
) -> bytes:
    """Decrypt a bundle, let ``modify`` change its entries (ordered dict), re-encrypt."""
    plain = decrypt(path.read_bytes(), [opener.age_identity()], who="expert")
    entries = {e.name: bytes(e.data) for e in read_archive(plain)}
    entries = modify(entries)
    sources = [Source(name, len(data), data=data) for name, data in entries.items()]
    out = bytearray()

    class Sink:
        def write(self, b: bytes) -> int:
            out.extend(b)
            return len(b)

    pyrage.encrypt_io(ChunkReader(iter_archive(sources)), Sink(), [recipient])
    return bytes(out)


def resign(entries: dict[str, bytes], signer: UnlockedIdentity, **changes: Any) -> dict[str, bytes]:
    """Apply ``changes`` to the manifest, fix the entry hashes, sign again with ``signer``."""
    import hashlib

    manifest = json.loads(entries["manifest.json"])
    manifest.update(changes)
    for e in manifest["entries"]:
        data = entries[e["path"]]
        e["sha256"] = hashlib.sha256(data).hexdigest()
        e["size"] = len(data)
    mbytes = canonjson.dumpb(manifest)
    entries["manifest.json"] = mbytes
    entries["signature.json"] = sign_manifest(mbytes, signer)
    return entries


class Bundles:
    """Every bundle the suite imports, built once."""

    def __init__(self, world: World, root: Path) -> None:
        self.world = world
        zhang = world.expert("zhang")
        li = world.expert("li")
        mallory = world.expert("mallory", trusted_by_agency=False)
        self.zhang, self.li, self.mallory = zhang, li, mallory
        photo = root / "photo.jpg"
        photo.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40)
        zhang.scores(5)
        zhang.add({"kind": "observation", "text": "车间报工终端在用", "attachments": [str(photo)]})
        self.a1 = zhang.export()
        backup = zhang.clone(root, "zhang-backup")
        second = zhang.clone(root, "zhang-second-machine")
        zhang.scores(4)
        self.a2 = zhang.export()
        zhang.scores(3, case="7a2d3b4c-1e2f-4a5b-8c6d-9e0f1a2b3c4d")
        self.a3 = zhang.export()
        backup.counter += 7  # different levels than the original's
        backup.scores(3)
        self.rollback = backup.export()
        self.backup = backup
        second.counter += 2
        second.scores(2)
        self.fork = second.export()
        li.scores(3)
        self.b1 = li.export()
        mallory.scores(2)
        self.untrusted = mallory.export()
        # a bundle for another agency
        agency2 = make_home(root, "agency2", "agency")
        wang = world.expert("wang", agency=agency2)
        wang.scores(2)
        self.other_agency = wang.export()
        self.wang = wang
        self.agency2 = local(agency2)


@pytest.fixture(scope="module")
def bundles(make_world: Callable[[], World], tmp_path_factory: pytest.TempPathFactory) -> Bundles:
    return Bundles(make_world(), tmp_path_factory.mktemp("bundles"))


@pytest.fixture
def agency(bundles: Bundles, tmp_path: Path) -> tuple[Any, AgencyStore]:
    return bundles.world.new_agency(tmp_path)


def _import(store: AgencyStore, tmp: Path, *paths: Path) -> list[Any]:
    return [store.import_file(copy_in(p, tmp)) for p in paths]


def _import_bytes(
    store: AgencyStore, tmp: Path, data: bytes, name: str = "forged.bundle.age"
) -> Any:
    path = tmp / "incoming" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return store.import_file(path)


def _refused(outcome: Any, *codes: str) -> None:
    assert outcome.status == "refused", outcome.to_json()
    assert outcome.code in codes, outcome.to_json()
    assert _bilingual(outcome.message), outcome.message
    source = Path(outcome.source)
    if outcome.quarantined is None:
        # only a file that does not even start like an age file stays where it is
        head = source.read_bytes()[:64].lstrip()
        assert not head.startswith((b"age-encryption.org/v1\n", b"-----BEGIN AGE")), head
        return
    assert Path(outcome.quarantined).is_file() and not source.exists()
    reason = json.loads(Path(outcome.quarantined + ".reason.json").read_text(encoding="utf-8"))
    assert reason["code"] == outcome.code
    # the message as JSON carries it: Chinese, and English in the *_en sibling
    assert reason["message"] == outcome.message.render("zh_CN"), reason
    assert reason["message_en"] == outcome.message.render("en"), reason
    json.dumps(outcome.to_json())  # what `bundle import --json` prints


def test_happy_path_and_replay_is_a_noop(bundles: Bundles, agency: Any, tmp_path: Path) -> None:
    home, store = agency
    first = _import(store, tmp_path, bundles.a1)[0]
    assert first.status == "merged" and first.findings == 6
    assert Path(first.receipt).is_file()
    before = snapshot(home)
    again = _import(store, tmp_path, bundles.a1)[0]
    assert again.status == "duplicate"
    assert _bilingual(again.message)
    assert snapshot(home) == before


def test_flipped_bytes_anywhere(bundles: Bundles, agency: Any, tmp_path: Path) -> None:
    home, store = agency
    _import(store, tmp_path, bundles.a1)
    before = snapshot(home)
    data = bundles.a2.read_bytes()
    header_end = data.index(b"\n---") + 50
    positions = sorted(
        {
            *range(0, header_end, 7),
            *range(header_end, len(data), max(1, len(data) // 40)),
            len(data) - 1,
        }
    )
    for pos in positions:
        flipped = bytearray(data)
        flipped[pos] ^= 0x01
        out = _import_bytes(store, tmp_path, bytes(flipped), f"flip-{pos}.bundle.age")
        _refused(out, "DECRYPT_FAILED", "NOT_FOR_THIS_AGENCY", "NOT_A_BUNDLE")
    assert snapshot(home) == before


def test_truncated_files(bundles: Bundles, agency: Any, tmp_path: Path) -> None:
    home, store = agency
    before = snapshot(home)
    data = bundles.a1.read_bytes()
    for length in (0, 10, 100, len(data) // 2, len(data) - 17, len(data) - 1):
        out = _import_bytes(store, tmp_path, data[:length], f"cut-{length}.bundle.age")
        _refused(out, "DECRYPT_FAILED", "NOT_A_BUNDLE", "NOT_FOR_THIS_AGENCY")
    assert snapshot(home) == before


def test_bundle_for_another_agency(bundles: Bundles, agency: Any, tmp_path: Path) -> None:
    home, store = agency
    before = snapshot(home)
    _refused(_import(store, tmp_path, bundles.other_agency)[0], "NOT_FOR_THIS_AGENCY")
    # the same bundle re-encrypted to this agency: its signed manifest names the other agency
    data = repack(
        bundles.other_agency, bundles.wang.me, bundles.world.agency_me.recipient, lambda e: e
    )
    _refused(_import_bytes(store, tmp_path, data), "NOT_FOR_THIS_AGENCY")
    assert snapshot(home) == before


def test_untrusted_signer(bundles: Bundles, agency: Any, tmp_path: Path) -> None:
    home, store = agency
    before = snapshot(home)
    out = _import(store, tmp_path, bundles.untrusted)[0]
    _refused(out, "UNTRUSTED_SIGNER")
    assert snapshot(home) == before


def test_forged_content_is_refused(bundles: Bundles, agency: Any, tmp_path: Path) -> None:
    """Anyone can encrypt to the agency's public key: the signature is what counts."""
    home, store = agency
    _import(store, tmp_path, bundles.a1)
    before = snapshot(home)
    rcpt = bundles.world.agency_me.recipient
    zhang, mallory = bundles.zhang.me, bundles.mallory.me

    def edit_findings(e: dict[str, bytes]) -> dict[str, bytes]:
        e["findings.jsonl"] = e["findings.jsonl"].replace(b'\\"level\\":', b'\\"level\\": ', 1)
        return e

    def edit_manifest(e: dict[str, bytes]) -> dict[str, bytes]:
        m = json.loads(e["manifest.json"])
        m["created_at"] = "2020-01-01T00:00:00+08:00"
        e["manifest.json"] = canonjson.dumpb(m)
        return e

    def mallory_signs(e: dict[str, bytes]) -> dict[str, bytes]:
        sig = {
            "algorithm": "ed25519",
            "key": zhang.fingerprint,
            "signature": b64(mallory.sign(SIGNATURE_DOMAIN + e["manifest.json"])),
        }
        e["signature.json"] = canonjson.dumpb(sig)
        return e

    def drop_attachment(e: dict[str, bytes]) -> dict[str, bytes]:
        return {k: v for k, v in e.items() if not k.startswith("attachments/")}

    def bad_record_resigned(e: dict[str, bytes]) -> dict[str, bytes]:
        # the device itself signs a manifest over a record whose own signature is broken
        lines = e["findings.jsonl"].split(b"\n")
        lines[2] = lines[2].replace(b'\\"level\\":', b'\\"level\\": ', 1)
        e["findings.jsonl"] = b"\n".join(lines)
        return resign(e, zhang)

    def truncated_tail_resigned(e: dict[str, bytes]) -> dict[str, bytes]:
        lines = [ln for ln in e["findings.jsonl"].split(b"\n") if ln]
        dropped = json.loads(lines.pop())
        prev = json.loads(json.loads(lines[-1])["body"])
        import hashlib

        e["findings.jsonl"] = b"".join(ln + b"\n" for ln in lines)
        m = json.loads(e["manifest.json"])
        assert dropped
        head = hashlib.sha256(json.loads(lines[-1])["body"].encode()).hexdigest()
        return resign(
            e,
            zhang,
            sequence={"first": m["sequence"]["first"], "last": prev["seq"]},
            findings={"count": len(lines)},
            chain={"previous_head": m["chain"]["previous_head"], "head": head},
        )

    cases = [
        (edit_findings, "HASH_MISMATCH"),
        (edit_manifest, "BAD_SIGNATURE"),
        (mallory_signs, "BAD_SIGNATURE"),
        (drop_attachment, "ARCHIVE_INVALID"),
        (bad_record_resigned, "FINDING_INVALID"),
        (truncated_tail_resigned, "TRUNCATED"),
    ]
    for modify, code in cases:
        source = bundles.a1 if modify is drop_attachment else bundles.a2
        data = repack(source, zhang, rcpt, modify)
        _refused(_import_bytes(store, tmp_path, data, f"{modify.__name__}.bundle.age"), code)
    assert snapshot(home) == before


def test_same_id_different_content(bundles: Bundles, agency: Any, tmp_path: Path) -> None:
    home, store = agency
    _import(store, tmp_path, bundles.a1, bundles.a2)
    before = snapshot(home)
    data = repack(
        bundles.a2,
        bundles.zhang.me,
        bundles.world.agency_me.recipient,
        lambda e: resign(e, bundles.zhang.me, created_at="2020-01-01T00:00:00+08:00"),
    )
    _refused(_import_bytes(store, tmp_path, data), "SAME_ID_DIFFERENT_CONTENT")
    assert snapshot(home) == before


def test_rolled_back_store_is_refused(bundles: Bundles, agency: Any, tmp_path: Path) -> None:
    home, store = agency
    _import(store, tmp_path, bundles.a1, bundles.a2)
    before = snapshot(home)
    out = _import(store, tmp_path, bundles.rollback)[0]
    _refused(out, "ROLLBACK")
    assert "bundle recover" in out.message
    assert snapshot(home) == before


def test_fork_is_refused(bundles: Bundles, agency: Any, tmp_path: Path) -> None:
    home, store = agency
    # both successors of bundle 1 arrive before it: the second one is a fork
    assert _import(store, tmp_path, bundles.a2)[0].status == "pending"
    before = snapshot(home)
    _refused(_import(store, tmp_path, bundles.fork)[0], "FORK")
    assert snapshot(home) == before
    # and after bundle 1 and 2 merged, the fork is still refused
    first = _import(store, tmp_path, bundles.a1)[0]
    assert first.status == "merged" and [o.status for o in first.then_merged] == ["merged"]
    before = snapshot(home)
    _refused(_import(store, tmp_path, bundles.fork)[0], "FORK", "ROLLBACK")
    assert snapshot(home) == before


def test_not_a_bundle(bundles: Bundles, agency: Any, tmp_path: Path) -> None:
    home, store = agency
    before = snapshot(home)
    _refused(_import_bytes(store, tmp_path, b"PK\x03\x04 not a bundle"), "NOT_A_BUNDLE")
    assert snapshot(home) == before


def test_out_of_order_waits_then_merges_in_order(
    bundles: Bundles, agency: Any, tmp_path: Path
) -> None:
    home, store = agency
    o3 = _import(store, tmp_path, bundles.a3)[0]
    assert o3.status == "pending" and _bilingual(o3.message)
    assert _import(store, tmp_path, bundles.a3)[0].status == "already_pending"
    o2 = _import(store, tmp_path, bundles.a2)[0]
    assert o2.status == "pending"
    o1 = _import(store, tmp_path, bundles.a1)[0]
    assert o1.status == "merged"
    assert [(o.number, o.status) for o in o1.then_merged] == [(2, "merged"), (3, "merged")]
    shuffled = snapshot(home, ignore_times=True)
    assert shuffled["sync_pending"] == []
    home2, store2 = bundles.world.new_agency(tmp_path / "second")
    for p in (bundles.a1, bundles.a2, bundles.a3):
        assert store2.import_file(copy_in(p, tmp_path / "second")).status == "merged"
    assert snapshot(home2, ignore_times=True) == {
        **shuffled,
        "files": {k.replace(str(home.root), ""): v for k, v in shuffled["files"].items()},
    }


def test_ack_and_recover(bundles: Bundles, agency: Any, tmp_path: Path) -> None:
    from inspector_app.errors import InputRefused
    from inspector_app.identity import trusted_lookup
    from sync.expert import ack_receipts, acknowledged_through, exports

    _home, store = agency
    outs = _import(store, tmp_path, bundles.a1, bundles.a2)
    zhang: Expert = bundles.zhang
    acks = ack_receipts(
        zhang.home,
        zhang.me.fingerprint,
        trusted_lookup(zhang.home, role="agency"),
        [Path(o.receipt) for o in outs],
    )
    assert [a.number for a in acks] == [1, 2]
    assert acknowledged_through(exports(zhang.home)) == 10
    # a receipt from elsewhere is refused
    forged = Path(outs[0].receipt).read_text(encoding="utf-8").replace('"number":1', '"number":9')
    bad = tmp_path / "bad.receipt.json"
    bad.write_text(forged, encoding="utf-8")
    with pytest.raises(InputRefused, match="bad signature"):
        ack_receipts(
            zhang.home, zhang.me.fingerprint, trusted_lookup(zhang.home, role="agency"), [bad]
        )


def test_restored_backup_recovers_the_chain_head(
    make_world: Callable[[], World], tmp_path: Path
) -> None:
    from inspector_app.errors import InputRefused
    from sync.expert import export_bundle, recover

    world = make_world()
    ex = world.expert("zhao")
    ex.scores(3)
    b1 = ex.export()
    backup = ex.clone(tmp_path, "zhao-backup")
    ex.scores(2)
    b2 = ex.export()
    _home, store = world.new_agency(tmp_path)
    assert [o.status for o in (store.import_file(copy_in(b, tmp_path)) for b in (b1, b2))] == [
        "merged",
        "merged",
    ]
    # the restored store sees its later bundle in the export folder and refuses to export…
    with pytest.raises(InputRefused, match="bundle recover"):
        export_bundle(backup.home, backup.me, backup.agency, ex.out)
    # …until it recovers the chain head from its own last bundle
    result = recover(backup.home, backup.me, [b2])
    assert (result.restored, result.head_seq, result.last_number) == (2, 5, 2)
    backup.scores(2)
    b3 = backup.export()
    out = store.import_file(copy_in(b3, tmp_path))
    assert out.status == "merged" and out.number == 3, out.to_json()
