"""Every state a run can reach exports and imports: export -> import -> export is the same
document, over random runs, near divergence and at the largest step counts included."""

from __future__ import annotations

import contextlib

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.sessions import ConfigIn, Diverged, new_session
from app.sessions.documents import SessionDocument, export_document, import_document

CONFIGS = st.one_of(
    st.fixed_dictionaries(
        {
            "dataset": st.sampled_from(["xor", "sine", "circle", "hand", "linear"]),
            "hidden": st.integers(1, 12),
            "f_A": st.sampled_from(["relu", "sigmoid", "tanh", "linear"]),
            "f_B": st.sampled_from(["linear", "sigmoid", "tanh"]),
            "order": st.sampled_from(["cycle", "shuffle"]),
            "alpha_A": st.sampled_from([0.01, 0.5, 3.0, 10.0]),  # 3 and 10: runs that diverge
            "alpha_B": st.sampled_from([0.01, 0.5, 3.0, 10.0]),
            "optimizer": st.sampled_from(["sgd", "adam"]),
            "seed": st.integers(0, 2**32 - 1),
        }
    ),
    st.fixed_dictionaries(
        {
            "environment": st.fixed_dictionaries(
                {
                    "states": st.integers(1, 30),
                    "target": st.sampled_from(["td", "mc"]),
                    "gamma": st.sampled_from([1.0, 0.9]),
                }
            ),
            "hidden": st.integers(1, 8),
            "f_A": st.sampled_from(["relu", "tanh", "linear"]),
            "alpha_A": st.sampled_from([0.05, 2.0, 10.0]),
            "alpha_B": st.sampled_from([0.05, 2.0, 10.0]),
            "optimizer": st.sampled_from(["sgd", "adam"]),
            "seed": st.integers(0, 1000),
        }
    ),
)
# Call sizes: single steps, a few, and the most one call may take ("max").
CALLS = st.lists(st.one_of(st.integers(1, 40), st.just("max")), min_size=1, max_size=6)


def _json(doc: dict) -> bytes:
    return orjson.dumps(doc, option=orjson.OPT_SERIALIZE_NUMPY)


@settings(
    max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None
)
@given(config=CONFIGS, calls=CALLS)
def test_export_import_export_is_the_same_document(config, calls):
    if config.get("optimizer") == "adam" and config.get("update_order") == "slides":
        return
    session = new_session("a", ConfigIn(**config))
    for n in calls:
        with contextlib.suppress(Diverged):  # near divergence is a state too: the flag set, the run kept
            session.take_steps(min(session.max_steps(), 2000) if n == "max" else n)
    first = _json(export_document(session))
    doc = SessionDocument.model_validate_json(first)  # as POST /api/sessions/import reads it
    second = _json(export_document(import_document(doc, "b")))
    assert second == first
    # and both continue alike
    again = import_document(SessionDocument.model_validate_json(first), "c")
    try:
        a, _ = session.take_steps(3)
        b, _ = again.take_steps(3)
        assert _json(a) == _json(b)
    except Diverged:
        pass


def test_the_largest_calls_and_the_readmes_divergence_demo_round_trip():
    demo = {"dataset": "sine", "alpha_A": 10, "alpha_B": 10}  # the README's "too large a step" demo
    for config in (demo, {"environment": {"states": 5}, "alpha_A": 10}):
        session = new_session("a", ConfigIn(**config))
        with contextlib.suppress(Diverged):
            session.take_steps(session.max_steps())  # the largest call, or none of it
        with contextlib.suppress(Diverged):
            for _ in range(5000):  # then step by step, to the last step before the overflow
                session.take_steps(1)
        if config is demo:  # weights far past what a request may give, yet a state training reached
            assert max(abs(session.A).max(), abs(session.B).max()) > 1e6
        first = _json(export_document(session))
        second = _json(export_document(import_document(SessionDocument.model_validate_json(first), "b")))
        assert second == first
