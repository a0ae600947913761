"""One serial writer per home: writes from several threads run one after the other, and the
listeners hear what changed."""

from __future__ import annotations

import threading
from pathlib import Path

from inspector_app import services
from inspector_app.services.writer import StoreChange, StoreWriter

from .conftest import PASSPHRASE, make_home


def test_jobs_run_one_at_a_time_on_one_thread(tmp_path: Path) -> None:
    writer = StoreWriter(tmp_path)
    running = 0
    overlaps = 0
    threads: set[int] = set()
    lock = threading.Lock()

    def job() -> int:
        nonlocal running, overlaps
        with lock:
            running += 1
            overlaps += running > 1
            threads.add(threading.get_ident())
        threading.Event().wait(0.002)
        with lock:
            running -= 1
        return 1

    callers = [threading.Thread(target=lambda: writer.call(job)) for _ in range(8)]
    for t in callers:
        t.start()
    for t in callers:
        t.join()
    writer.close()
    assert overlaps == 0 and len(threads) == 1


def test_a_job_inside_a_job_and_a_listener_that_writes_do_not_wait(tmp_path: Path) -> None:
    writer = StoreWriter(tmp_path)
    heard: list[StoreChange] = []

    def listener(change: StoreChange) -> None:
        heard.append(change)
        if change.what == "case":  # writes again from the writer's thread
            writer.call(lambda: None, lambda _r: [StoreChange("draft", change.case_id)])

    writer.listen(listener)
    inner = writer.call(lambda: writer.call(lambda: 41) + 1, lambda _r: [StoreChange("case", "c")])
    writer.close()
    assert inner == 42
    assert [c.what for c in heard] == ["case", "draft"]


def test_a_failing_listener_neither_stops_the_others_nor_the_write(tmp_path: Path) -> None:
    writer = StoreWriter(tmp_path)
    heard: list[str] = []

    def broken(_change: StoreChange) -> None:
        raise RuntimeError("view bug")

    writer.listen(broken)
    stop = writer.listen(lambda c: heard.append(c.what))
    assert writer.call(lambda: "ok", lambda _r: [StoreChange("case", "c")]) == "ok"
    stop()
    writer.call(lambda: None, lambda _r: [StoreChange("case", "c")])
    writer.close()
    assert heard == ["case"]


def test_services_announce_cases_findings_and_drafts(tmp_path: Path, clean_package: Path) -> None:
    home = make_home(tmp_path, "h", "expert")
    heard: list[StoreChange] = []
    stop = services.listen(home, heard.append)
    case_id = services.import_case(home, clean_package).case_id
    signer = services.unlock_identity(home, PASSPHRASE)
    added = services.add_finding(
        home,
        case_id,
        {
            "kind": "flag_review",
            "flag": "USAGE_BURST:mes",
            "decision": "dismissed",
            "reason": "旺季订单",
        },
        signer=signer,
    )
    services.save_draft(home, case_id, "obs:1", {"kind": "observation", "text": "车间"})
    signed = services.sign_drafts(home, case_id, signer=signer)
    stop()
    services.save_draft(home, case_id, "obs:2", {"kind": "observation", "text": "仓库"})
    assert StoreChange("case", case_id) in heard
    assert StoreChange("finding", case_id, added.finding.finding_id, "flag_review") in heard
    assert StoreChange("draft", case_id, key="obs:1") in heard
    assert StoreChange("finding", case_id, signed[0].finding_id, "observation") in heard
    assert all(c.key != "obs:2" for c in heard)
