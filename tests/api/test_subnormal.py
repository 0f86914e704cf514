"""Subnormal numbers (0 < |x| < 2.2e-308) pass every bound but make each step many times
slower than its estimate: arrays of them are taken as 0, a step size or a discount is refused."""

from __future__ import annotations

import numpy as np
import pytest

TINY = 1e-310


def test_data_weights_and_samples_take_subnormals_as_zero(client):
    made = client.post(
        "/api/sessions",
        json={"data": {"s": [[TINY, 1.0], [0.5, -TINY]], "y": [[TINY], [1.0]]}, "hidden": 2, "bias": False},
    )
    assert made.status_code == 201, made.text
    sid = made.json()["id"]
    doc = client.get(f"/api/sessions/{sid}/export").json()
    assert doc["config"]["data"] == {"s": [[0.0, 1.0], [0.5, 0.0]], "y": [[0.0], [1.0]]}

    A = [[TINY, 0.25], [0.5, -TINY]]
    assert client.put(f"/api/sessions/{sid}/weights", json={"A": A}).status_code == 200
    assert client.get(f"/api/sessions/{sid}").json()["state"]["A"] == [[0.0, 0.25], [0.5, 0.0]]

    assert (
        client.put(
            f"/api/sessions/{sid}/sample", json={"index": 1, "s": [TINY, 2.0], "y": [-TINY]}
        ).status_code
        == 200
    )
    data = client.get(f"/api/sessions/{sid}/export").json()["config"]["data"]
    assert data["s"][1] == [0.0, 2.0] and data["y"][1] == [0.0]

    flushed = client.post(f"/api/sessions/{sid}/predict", json={"s": [[TINY, 1.0]]}).json()["y_hat"]
    plain = client.post(f"/api/sessions/{sid}/predict", json={"s": [[0.0, 1.0]]}).json()["y_hat"]
    assert flushed == plain


def test_initial_weights_in_the_config_take_subnormals_as_zero(client):
    A = [[TINY, 0.3], [0.1, 0.2], [0.0, 0.0]]
    sid = client.post("/api/sessions", json={"hidden": 2, "A": A}).json()["id"]
    state = client.get(f"/api/sessions/{sid}").json()["state"]
    assert np.array_equal(state["A"], [[0.0, 0.3], [0.1, 0.2], [0.0, 0.0]])


@pytest.mark.parametrize(
    "config,field",
    [
        ({"alpha_A": TINY}, "alpha_A"),
        ({"alpha_B": -0.0 + TINY}, "alpha_B"),
        ({"environment": {"gamma": TINY}}, "environment.gamma"),
        ({"optimizer": "adam", "epsilon": TINY}, "epsilon"),
    ],
)
def test_a_subnormal_step_size_or_discount_is_refused_naming_it(client, config, field):
    r = client.post("/api/sessions", json=config)
    assert r.status_code == 422
    assert r.json()["message"].startswith(field + ":") and "2.23e-308" in r.json()["message"]
