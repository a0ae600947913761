"""Crash test: a process recording findings is killed with SIGKILL at random moments.

A small "zygote" Python process imports the app and unlocks the identity once, then forks one
writer per round (so that 200+ rounds stay fast). Each writer opens the store and records
findings in a loop — scores that supersede each other, observations with attachments,
interviews — and autosaves drafts; after each call **returns** it appends a line to a log
(``os.write`` on an ``O_APPEND`` file, which survives the kill). The test kills it after a
random delay. Afterwards: ``PRAGMA integrity_check`` is ok, ``verify`` passes, and every
finding and draft the log says was recorded is in the store.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from inspector_app import identity
from inspector_app.findings import open_store, verify_store

PASS = "correct horse battery"
CASE = "5f1c2a9e-0d1e-4c55-9a7b-2f1e7f0c9b11"
ROUNDS = 220

ZYGOTE = r"""
import os, sys
from inspector_app import identity
from inspector_app.findings import open_store, validate_payload

home, case, passphrase = sys.argv[1], sys.argv[2], sys.argv[3]
me = identity.unlock(home, passphrase)
validate_payload({"kind": "score", "item": "Q1", "answer": "A"}, checklist_id="miit-2024")  # warm up
photos = os.path.join(home, "..", "photos")
os.makedirs(photos, exist_ok=True)


def writer(log_path, round_no):
    log = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    def note(text):
        os.write(log, (text + "\n").encode())
    store = open_store(home)
    i = 0
    while True:
        i += 1
        n = round_no * 1000 + i
        if i % 5 == 0:
            photo = os.path.join(photos, f"{n}.jpg")
            with open(photo, "wb") as fh:
                fh.write(os.urandom(2048) + str(n).encode())
            payload = {"kind": "observation", "text": f"照片 {n}", "attachments": [photo]}
        elif i % 7 == 0:
            payload = {"kind": "interview", "person": f"人员{n}", "notes": [{"q": "用了吗", "a": "用了"}]}
        else:
            payload = {"kind": "score", "item": f"Q{n % 15 + 1}", "answer": "A", "comment": str(n)}
        note(f"begin {round_no} {n}")
        finding = store.add_finding(me, case, payload)
        note(f"finding {finding.finding_id}")
        if i % 3 == 0:
            key = f"draft-{n}"
            store.save_draft(case, key, {"kind": "observation", "text": f"typing {n}"})
            note(f"draft {key}")


for line in sys.stdin:
    cmd, _, arg = line.strip().partition(" ")
    if cmd == "fork":
        log_path, round_no = arg.rsplit(" ", 1)
        pid = os.fork()
        if pid == 0:
            try:
                writer(log_path, int(round_no))
            finally:
                os._exit(3)
        print(pid, flush=True)
    elif cmd == "reap":
        _, status = os.waitpid(int(arg), 0)
        print(status, flush=True)
    elif cmd == "quit":
        break
"""


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    identity.init_identity(
        home, name="张三", role="expert", passphrase=PASS, device="lap", _kdf=identity.TEST_KDF
    )
    with open_store(home) as store:
        store.register_case(
            CASE, uscc="91530100MA6K0X1234", enterprise="某公司", checklist="miit-2024"
        )
    log = tmp_path / "log.txt"
    errors = tmp_path / "zygote.err"
    rng = random.Random(20261128)
    killed_inside_add = 0
    offset = 0
    tail = ""

    def read_new() -> str:
        nonlocal offset
        if not log.exists():
            return ""
        with log.open("rb") as fh:
            fh.seek(offset)
            data = fh.read()
        complete = data[: data.rfind(b"\n") + 1]
        offset += len(complete)
        return complete.decode("utf-8")

    with (
        errors.open("wb") as err,
        subprocess.Popen(
            [sys.executable, "-c", ZYGOTE, str(home), CASE, PASS],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            bufsize=1,
        ) as zygote,
    ):
        assert zygote.stdin is not None and zygote.stdout is not None
        try:
            for round_no in range(1, ROUNDS + 1):
                zygote.stdin.write(f"fork {log} {round_no}\n")
                zygote.stdin.flush()
                pid = int(zygote.stdout.readline())
                # kill at a random point relative to the writer's own progress, so that the
                # kills land inside writes whatever the machine's speed: after 0-6 started
                # findings, plus up to 8 ms
                target = rng.randint(0, 6)
                deadline = time.monotonic() + 20
                while tail.count(f"begin {round_no} ") < target and time.monotonic() < deadline:
                    time.sleep(0.0005)
                    tail += read_new()
                time.sleep(rng.uniform(0.0, 0.008))
                os.kill(pid, signal.SIGKILL)
                zygote.stdin.write(f"reap {pid}\n")
                zygote.stdin.flush()
                status = int(zygote.stdout.readline())
                assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (
                    f"round {round_no}: the writer ended by itself (status {status}): "
                    + errors.read_text(encoding="utf-8", errors="replace")[-2000:]
                )
                tail += read_new()
                lines = tail.splitlines()
                if lines and lines[-1].startswith("begin"):
                    killed_inside_add += 1
                tail = tail[tail.rfind("\n") + 1 :] if "\n" in tail else tail
                if round_no % 55 == 0:  # check along the way too
                    with open_store(home) as store:
                        assert verify_store(store).ok
        finally:
            zygote.stdin.write("quit\n")
            zygote.stdin.flush()
            zygote.wait(timeout=30)

    lines = log.read_text(encoding="utf-8").splitlines()
    recorded = {line.split(" ", 1)[1] for line in lines if line.startswith("finding ")}
    drafted = {line.split(" ", 1)[1] for line in lines if line.startswith("draft ")}
    assert len(recorded) > ROUNDS, "the writers recorded too little for the test to mean much"
    assert killed_inside_add >= ROUNDS // 10, killed_inside_add
    with open_store(home) as store:
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        me = identity.load(home)
        report = verify_store(store, own_key=me.ed25519_public, trusted_keys={me.ed25519_public})
        assert report.ok, report.to_json()
        held = {f.finding_id for f in store.findings(CASE, include_superseded=True)}
        assert recorded <= held, f"lost {len(recorded - held)} findings"
        # at most one unreported finding per round: committed just before the kill
        assert len(held - recorded) <= ROUNDS
        drafts = {d.key for d in store.list_drafts(CASE)}
        assert drafted <= drafts
        assert report.records == len(held)
