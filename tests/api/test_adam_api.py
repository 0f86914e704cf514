"""Adam through the API: a session's steps follow the model's adam_step, and its settings are checked."""

from __future__ import annotations

import numpy as np

from app import model


def test_supervised_session_with_adam_follows_adam_step(client, make_session):
    sess = make_session(dataset="xor", optimizer="adam", alpha_A=0.02, alpha_B=0.02, epsilon=1e-6)
    assert sess["config"]["optimizer"] == "adam" and sess["config"]["epsilon"] == 1e-6
    A, B = np.array(sess["state"]["A"]), np.array(sess["state"]["B"])
    body = client.post(f"/api/sessions/{sess['id']}/step", json={"n": 9}).json()
    net = model.Net(alpha_A=0.02, alpha_B=0.02)
    S = model.with_bias(np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), True)
    Y = np.array([[0.0], [1.0], [1.0], [0.0]])
    moments = model.adam_moments(A, B)
    for i in range(9):
        t = model.adam_step(S[i % 4], Y[i % 4], A, B, net, moments, 1e-6)
        A, B, moments = t["A"], t["B"], t["adam"]
    assert np.array_equal(np.array(body["trace"]["A"]), A) and np.array_equal(np.array(body["trace"]["B"]), B)
    assert body["trace"]["adam"]["t"] == 9
    assert np.array_equal(np.array(body["trace"]["adam"]["v_B"]), moments["v_B"])


def test_adam_settings_are_checked(client):
    for config, field in (
        ({"optimizer": "adam", "update_order": "slides"}, "update_order"),
        ({"optimizer": "momentum"}, "optimizer"),
        ({"epsilon": 0}, "epsilon"),
        ({"epsilon": 2}, "epsilon"),
    ):
        r = client.post("/api/sessions", json=config)
        assert r.status_code == 422, config
        assert r.json()["detail"][0]["field"] == field
