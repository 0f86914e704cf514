"""A session's budget learns from the calls it takes, not from the ones a divergence refused."""

from __future__ import annotations

import pytest

from app.sessions import ConfigIn, Diverged, budget, new_session


@pytest.fixture(autouse=True)
def fresh_corrections(monkeypatch):
    monkeypatch.setattr(budget, "_correction", {})


def test_a_diverging_call_leaves_every_sessions_budget_as_it_was():
    # The README's demo of too large a step: alpha 10 on sine overflows within a call.
    wild = new_session("wild", ConfigIn(dataset="sine", alpha_A=10, alpha_B=10))
    calm = new_session("calm", ConfigIn(dataset="sine"))
    before = calm.max_steps()
    for _ in range(3):
        with pytest.raises(Diverged):
            wild.take_steps(wild.max_steps())
    assert calm.max_steps() == before
    assert budget.correction(calm._kind()) == 1.0


def test_a_call_slower_than_its_estimate_still_lowers_the_budget(monkeypatch):
    session = new_session("slow", ConfigIn(dataset="sine"))
    before = session.max_steps()
    kind = session._kind()
    budget.observe(kind, 0.01, 0.05)  # took five times its estimate
    assert session.max_steps() < before / 2
