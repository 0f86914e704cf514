"""GET /api/sessions/{id}/gradcheck?weight=B.1.0: one weight's derivation, checked by finite differences."""

from __future__ import annotations

import re

import numpy as np
import pytest


def _check(client, sid: str, weight: str) -> dict:
    r = client.get(f"/api/sessions/{sid}/gradcheck", params={"weight": weight})
    assert r.status_code == 200, r.text
    return r.json()


def _weights(shape) -> list[tuple[int, int]]:
    return [(i, j) for i in range(shape[0]) for j in range(shape[1])]


@pytest.mark.parametrize("dataset,f_B", [("xor", "linear"), ("hand", "sigmoid")])
def test_every_weight_matches_the_whole_check_and_the_next_step(client, make_session, dataset, f_B):
    sid = make_session(dataset=dataset, f_A="tanh", f_B=f_B, hidden=3, seed=3)["id"]
    client.post(f"/api/sessions/{sid}/step", json={"n": 5})
    whole = client.get(f"/api/sessions/{sid}/gradcheck").json()
    ones = {}
    for name in ("A", "B"):
        grad, numeric = np.array(whole["grad_" + name]), np.array(whole["numeric_grad_" + name])
        for i, j in _weights(grad.shape):
            one = ones[name, i, j] = _check(client, sid, f"{name}.{i}.{j}")
            named = (one["matrix"], one["row"], one["column"], one["weight"])
            assert named == (name, i, j, f"{name}.{i}.{j}")
            assert one["index"] == whole["index"] and one["s"] == whole["s"] and one["y"] == whole["y"]
            assert one["backprop"] == grad[i, j] and one["numeric"] == numeric[i, j]
            assert one["rel_error"] < 1e-6
    # Nothing changed: the next step is at the checked point and its trace holds the checked gradients.
    trace = client.post(f"/api/sessions/{sid}/step", json={"n": 1}).json()["trace"]
    assert trace["index"] == whole["index"]
    for (name, i, j), one in ones.items():
        assert trace["grad_" + name][i][j] == one["backprop"]
        assert trace[name + "_before"][i][j] == one["value"]
        for factor, value in one["trace"].items():
            assert trace[factor] == value, factor


def test_the_factors_multiply_to_the_gradient(client, make_session):
    # The slides' chain rule, written out from the answer's factors, for one and for two outputs.
    for dataset in ("xor", "hand"):
        sid = make_session(dataset=dataset, f_A="sigmoid", f_B="tanh", hidden=2, seed=1)["id"]
        client.post(f"/api/sessions/{sid}/step", json={"n": 3})
        B = np.array(client.get(f"/api/sessions/{sid}").json()["state"]["B"])
        for i, j in _weights(B.shape):
            c = _check(client, sid, f"B.{i}.{j}")
            t = c["trace"]
            assert c["backprop"] == pytest.approx(t["dL_dy_hat"][j] * t["df_B"][j] * t["x"][i], rel=1e-12)
        for i, j in [(0, 0), (1, 1), (2, 0)]:
            c = _check(client, sid, f"A.{i}.{j}")
            t = c["trace"]
            # Every path through the outputs: delta_A_j = (sum_k B_jk delta_B_k) f_A'(psi_j).
            through = sum(B[j, k] * t["delta_B"][k] for k in range(B.shape[1]))
            assert t["delta_A"][j] == pytest.approx(through * t["df_A"][j], rel=1e-12)
            assert c["backprop"] == pytest.approx(t["delta_A"][j] * c["s"][i], rel=1e-12)
            assert c["numeric"] == pytest.approx(c["backprop"], rel=1e-6, abs=1e-12)


@pytest.mark.parametrize(
    "weight,says",
    [
        ("C.0.0", "matrix.row.column"),
        ("B.1", "matrix.row.column"),
        ("B.-1.0", "matrix.row.column"),
        ("b.0.0", "matrix.row.column"),
        ("B.\u0663.0", "matrix.row.column"),  # an Arabic-Indic three: digits are ASCII
        ("B.01.0", "matrix.row.column"),  # one spelling per weight: no leading zero
        ("B.0.00", "matrix.row.column"),
        ("B.5.0", "B.5.0 does not exist"),
        ("B.0.1", "B.0.1 does not exist"),
        ("A.3.0", "A.3.0 does not exist"),
        ("A.0.4", "rows 0 to 2 and columns 0 to 3"),
    ],
)
def test_a_weight_that_does_not_exist_is_a_422_naming_weight(client, make_session, weight, says):
    sid = make_session(dataset="xor", hidden=4)["id"]
    before = client.get(f"/api/sessions/{sid}").json()
    r = client.get(f"/api/sessions/{sid}/gradcheck", params={"weight": weight})
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["field"] == "weight" and says in r.json()["message"]
    assert client.get(f"/api/sessions/{sid}").json() == before


def test_a_long_weight_is_refused_by_its_length(client, make_session):
    sid = make_session()["id"]
    r = client.get(f"/api/sessions/{sid}/gradcheck", params={"weight": "B." + "1" * 60 + ".0"})
    assert r.status_code == 422 and "weight" in r.json()["message"]


def test_one_weight_of_a_network_too_large_for_the_whole_check(client, make_session):
    rng = np.random.default_rng(0)
    data = {"s": rng.uniform(-1, 1, (3, 30)).tolist(), "y": rng.uniform(-1, 1, (3, 1)).tolist()}
    sid = make_session(data=data, hidden=200, f_A="tanh")["id"]  # 31 x 200 + 201 x 1 weights
    assert client.get(f"/api/sessions/{sid}/gradcheck").status_code == 422
    c = _check(client, sid, "A.30.199")
    assert c["rel_error"] < 1e-6 and len(c["trace"]["x"]) == 201


def test_td_mode_checks_one_weight_of_the_next_transition(client, make_session):
    sid = make_session(environment={"states": 6, "target": "mc"}, f_A="tanh")["id"]
    client.post(f"/api/sessions/{sid}/step", json={"n": 4})
    c = _check(client, sid, "B.0.0")
    whole = client.get(f"/api/sessions/{sid}/gradcheck").json()
    assert c["backprop"] == whole["grad_B"][0][0] and c["rel_error"] < 1e-6


def test_predict_with_units_gives_what_each_hidden_unit_computes(client, make_session):
    sid = make_session(dataset="xor", hidden=3, f_A="tanh")["id"]
    client.post(f"/api/sessions/{sid}/step", json={"n": 9})
    A = np.array(client.get(f"/api/sessions/{sid}").json()["state"]["A"])
    grid = [[a, b] for a in np.linspace(-1, 2, 5) for b in np.linspace(-1, 2, 4)]
    r = client.post(f"/api/sessions/{sid}/predict", json={"s": grid, "units": True})
    assert r.status_code == 200, r.text
    x = np.array(r.json()["x"])
    s = np.hstack([np.array(grid), np.ones((len(grid), 1))])
    assert x.shape == (20, 3) and np.allclose(x, np.tanh(s @ A), rtol=0, atol=1e-15)
    plain = client.post(f"/api/sessions/{sid}/predict", json={"s": grid}).json()
    assert "x" not in plain and plain["y_hat"] == r.json()["y_hat"]


def test_predict_units_are_bounded_and_strict(client, make_session):
    sid = make_session(dataset="xor", hidden=256)["id"]
    r = client.post(f"/api/sessions/{sid}/predict", json={"s": [[0.0, 0.0]] * 1000, "units": True})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "units"
    assert "at most 781 rows, not 1000" in r.json()["message"]
    r = client.post(f"/api/sessions/{sid}/predict", json={"s": [[0.0, 0.0]], "units": "yes"})
    assert r.status_code == 422 and "units" in r.json()["message"]


def _significant_digits(text: str) -> int:
    mantissa = re.sub(r"e.*", "", text).replace("-", "").replace(".", "")
    return len(mantissa.strip("0"))


@pytest.mark.parametrize("digits", [1, 3, 4, 6])
def test_predict_rounds_to_the_digits_asked_for_in_fewer_bytes(client, make_session, digits):
    sid = make_session(dataset="xor", hidden=5, f_A="tanh", seed=4)["id"]
    client.post(f"/api/sessions/{sid}/step", json={"n": 7})
    grid = [[a, b] for a in np.linspace(-1.3, 2.1, 24) for b in np.linspace(-0.7, 1.9, 24)]
    full = client.post(f"/api/sessions/{sid}/predict", json={"s": grid, "units": True})
    short = client.post(f"/api/sessions/{sid}/predict", json={"s": grid, "units": True, "digits": digits})
    assert short.status_code == 200, short.text
    for name in ("x", "y_hat"):
        exact, rounded = np.array(full.json()[name]), np.array(short.json()[name])
        # within half a unit of the last digit kept, relative to each value
        scale = 10.0 ** (np.floor(np.log10(np.where(exact == 0, 1.0, np.abs(exact)))) - digits + 1)
        assert np.all(np.abs(rounded - exact) <= 0.5 * scale * (1 + 1e-9)), name
    numbers = re.findall(r"-?\d[\d.e+-]*", short.text)
    assert numbers and max(_significant_digits(n) for n in numbers) <= digits
    assert len(short.content) < 0.6 * len(full.content)


@pytest.mark.parametrize("digits", [0, 7, -1, 2.5, True, "4"])
def test_predict_refuses_digits_out_of_range_naming_the_field(client, make_session, digits):
    sid = make_session()["id"]
    r = client.post(f"/api/sessions/{sid}/predict", json={"s": [[0.0, 0.0]], "digits": digits})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "digits", r.text
