"""Property: whatever sequence of edits an expert makes, the store stays consistent."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspector_app import identity
from inspector_app.findings import open_store, verify_store

CASE = "c0ffee00-0000-4000-8000-000000000000"
# an op: ("score", item, letter) | ("obs", None, None) | ("edit", index, None)
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("score"), st.sampled_from(["Q2", "Q3", "Q5"]), st.sampled_from("ABCDE")),
        st.tuples(st.just("obs"), st.none(), st.none()),
        st.tuples(st.just("edit"), st.integers(0, 20), st.none()),
    ),
    min_size=1,
    max_size=25,
)


@pytest.fixture(scope="module")
def me(tmp_path_factory: pytest.TempPathFactory) -> identity.UnlockedIdentity:
    home = tmp_path_factory.mktemp("prop-identity")
    identity.init_identity(
        home, name="张三", role="expert", passphrase="correct horse battery", _kdf=identity.TEST_KDF
    )
    return identity.unlock(home, "correct horse battery")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(OPS)
def test_one_current_finding_per_key_and_a_verifiable_chain(
    me: identity.UnlockedIdentity, ops: list[tuple[str, object, object]]
) -> None:
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp)) as store:
        store.register_case(CASE, uscc=None, enterprise=None, checklist="miit-2024")
        last_score: dict[str, str] = {}
        live_obs: list[str] = []
        for op, arg, letter in ops:
            if op == "score":
                f = store.add_finding(me, CASE, {"kind": "score", "item": arg, "answer": letter})
                assert f.record.supersedes == last_score.get(str(arg))
                last_score[str(arg)] = f.finding_id
            elif op == "obs":
                live_obs.append(
                    store.add_finding(me, CASE, {"kind": "observation", "text": "看"}).finding_id
                )
            elif live_obs:
                old = live_obs.pop(int(str(arg)) % len(live_obs))
                new = store.add_finding(
                    me, CASE, {"kind": "observation", "text": "改", "supersedes": old}
                )
                live_obs.append(new.finding_id)
        current = {f.finding_id for f in store.findings(CASE)}
        assert current == set(last_score.values()) | set(live_obs)
        everything = store.findings(CASE, include_superseded=True)
        assert [f.record.seq for f in everything] == list(range(1, len(everything) + 1))
        for f in everything:
            if f.superseded_by is not None:
                assert store.get(f.superseded_by).record.supersedes == f.finding_id  # type: ignore[union-attr]
        assert verify_store(store, own_key=me.public_key, integrity_check=False).ok
