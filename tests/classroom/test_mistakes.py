"""Every likely mistake of a question, checked against the slides' formulas worked again by
hand here (scalar loops, no NumPy products): one and two outputs, ReLU and sigmoid, both update
orders, both losses; and which mistake an answer is."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from app.classroom.mistakes import LABELS, ORDER, counted, mistake_of, mistakes, which
from app.model.backprop import step
from app.model.net import Net, with_bias

F = {
    "relu": (lambda z: max(z, 0.0), lambda z: 1.0 if z > 0 else 0.0),
    "sigmoid": (
        lambda z: 1 / (1 + math.exp(-z)),
        lambda z: (1 / (1 + math.exp(-z))) * (1 - 1 / (1 + math.exp(-z))),
    ),
    "tanh": (math.tanh, lambda z: 1 - math.tanh(z) ** 2),
    "linear": (lambda z: z, lambda z: 1.0),
}


def by_hand(s, A, B, y, net: Net) -> dict[str, dict[str, list]]:
    """target -> mistake id -> the value each entry takes with that slip (lists of lists)."""
    fA, dfA = F[net.f_A]
    fB, dfB = F[net.f_B]
    c = 1.0 if net.loss == "half_squared" else 2.0
    aA, aB = net.alpha_A, net.alpha_B
    rows, n_x, n_y = len(s), len(A[0]), len(B[0])
    psi = [sum(s[i] * A[i][j] for i in range(rows)) for j in range(n_x)]
    x = [fA(p) for p in psi] + [1.0]
    theta = [sum(x[j] * B[j][k] for j in range(n_x + 1)) for k in range(n_y)]
    y_hat = [fB(t) for t in theta]
    dL = [c * (y_hat[k] - y[k]) for k in range(n_y)]
    dB = [dL[k] * dfB(theta[k]) for k in range(n_y)]
    B_new = [[B[j][k] - aB * x[j] * dB[k] for k in range(n_y)] for j in range(n_x + 1)]
    B_used = B_new if net.update_order == "slides" else B

    def back(Bm, deltas, deriv, outputs=range(n_y)):
        return [sum(Bm[j][k] * deltas[k] for k in outputs) * deriv(j) for j in range(n_x)]

    slope = lambda j: dfA(psi[j])  # noqa: E731
    dA = back(B_used, dB, slope)
    slips_A = {
        "no_f_B_prime": back(B_used, dL, slope),
        "no_f_A_prime": back(B_used, dB, lambda j: 1.0),
        "updated_B": back(B_new, dB, slope),
        "one_output": back(B_used, dB, slope, outputs=[0]),
    }
    if net.f_A == "relu":
        slips_A["relu_psi"] = back(B_used, dB, lambda j: max(psi[j], 0.0))

    def weights(W, inputs, delta, alpha, slips):
        out = {
            "no_alpha": [[W[i][j] - inputs[i] * delta[j] for j in range(len(delta))] for i in range(len(W))],
            "plus": [
                [W[i][j] + alpha * inputs[i] * delta[j] for j in range(len(delta))] for i in range(len(W))
            ],
            "gradient": [[inputs[i] * delta[j] for j in range(len(delta))] for i in range(len(W))],
        }
        for name, d in slips.items():
            out[name] = [[W[i][j] - alpha * inputs[i] * d[j] for j in range(len(d))] for i in range(len(W))]
        return out

    return {
        "delta_B": {"no_f_B_prime": dL, "sign": [-v for v in dB]},
        "delta_A": slips_A | {"sign": [-v for v in dA]},
        "B": weights(B, x, dB, aB, {"no_f_B_prime": dL}),
        "A": weights(A, s, dA, aA, slips_A),
        "y_hat": {},
    }


def right(a: float, b: float) -> bool:
    return abs(a - b) <= max(0.01 * abs(b), 1e-4)


def expected(slips: dict, at: tuple, truth: float) -> list[tuple[str, float]]:
    """The contract's listing: values off the true one, each value once, in the contract's order."""
    out: list[tuple[str, float]] = []
    for name in ORDER:
        if name not in slips:
            continue
        v = slips[name]
        for i in at:
            v = v[i]
        if not right(v, truth) and not any(right(v, w) for _, w in out):
            out.append((name, v))
    return out


def a_step(n_y: int, net: Net, seed: int):
    rng = np.random.default_rng(seed)
    s = with_bias(rng.normal(size=2), True)
    A = rng.normal(size=(3, 3))
    B = rng.normal(size=(4, n_y))
    y = rng.normal(size=n_y) if net.f_B == "linear" else rng.uniform(0.05, 0.95, size=n_y)
    return s, A, B, y, step(s, y, A, B, net)


CASES = [
    Net(f_A=f_A, f_B=f_B, loss=loss, alpha_A=0.3, alpha_B=0.4, update_order=order)
    for f_A, f_B, loss, order in itertools.product(
        ("relu", "sigmoid"), ("linear", "sigmoid"), ("half_squared", "squared"), ("backprop", "slides")
    )
]


@pytest.mark.parametrize("n_y", [1, 2])
@pytest.mark.parametrize("net", CASES, ids=lambda n: f"{n.f_A}-{n.f_B}-{n.loss}-{n.update_order}")
def test_every_mistake_is_the_slip_worked_by_hand(n_y, net):
    listed = set()
    for seed in range(3):
        s, A, B, y, trace = a_step(n_y, net, seed)
        hand = by_hand(s.tolist(), A.tolist(), B.tolist(), y.tolist(), net)
        for target, shape in (
            ("y_hat", (n_y,)),
            ("delta_B", (n_y,)),
            ("delta_A", (3,)),
            ("B", B.shape),
            ("A", A.shape),
        ):
            for at in itertools.product(*(range(n) for n in shape)):
                truth = float(np.asarray(trace[target])[at])
                got = mistakes(trace, net, "sgd", target, list(at))
                want = expected(hand[target], at, truth)
                assert [m["id"] for m in got] == [name for name, _ in want], (target, at)
                for m, (_, v) in zip(got, want, strict=True):
                    assert math.isclose(m["value"], v, rel_tol=1e-9, abs_tol=1e-12)
                    assert m["label"] == LABELS[m["id"]]
                listed |= {m["id"] for m in got}
    # the slips this network can make are all found somewhere
    assert {"sign", "no_alpha", "plus", "gradient", "no_f_A_prime"} <= listed
    assert ("one_output" in listed) == (n_y > 1)  # erratum 3 is a mistake with several outputs only
    assert ("relu_psi" in listed) == (net.f_A == "relu")
    assert ("no_f_B_prime" in listed) == (net.f_B != "linear")  # f_B′ = 1 for a linear f_B
    assert ("updated_B" in listed) == (net.update_order == "backprop")  # in the slides' order it is the truth


def test_a_play_frame_gives_the_same_mistakes_as_its_step():
    net = Net(f_A="relu", f_B="sigmoid", alpha_A=0.5, alpha_B=0.5)
    *_, trace = a_step(2, net, 7)
    frame = {k: v for k, v in trace.items() if k not in ("A_before", "B_before", "grad_A", "grad_B")}
    for target, at in (("A", [1, 2]), ("B", [3, 1]), ("delta_A", [0])):
        whole = mistakes(trace, net, "sgd", target, at)
        made = mistakes(frame, net, "sgd", target, at)
        assert [m["id"] for m in made] == [m["id"] for m in whole]
        for a, b in zip(made, whole, strict=True):
            assert math.isclose(a["value"], b["value"], rel_tol=1e-9)


def test_adams_weights_have_only_the_added_step_and_the_gradient():
    net = Net(f_A="sigmoid", f_B="linear")
    *_, trace = a_step(1, net, 3)
    trace = dict(trace, A=trace["A_before"] - 0.01 * np.sign(trace["grad_A"]))  # a step that is not α∇
    got = mistakes(trace, net, "adam", "A", [0, 1])
    assert {m["id"] for m in got} <= {"plus", "gradient"}
    plus = next(m for m in got if m["id"] == "plus")
    assert math.isclose(plus["value"], 2 * trace["A_before"][0, 1] - trace["A"][0, 1])


def test_an_answer_is_right_or_the_first_mistake_near_it():
    found = [{"id": "sign", "value": -0.5}, {"id": "plus", "value": 2.0}]
    assert which(0.5, 0.5, found) is None and which(0.504, 0.5, found) is None
    assert which(-0.503, 0.5, found) == "sign" and which(2.0, 0.5, found) == "plus"
    assert which(7.0, 0.5, found) is None
    assert counted([0.5, -0.5, -0.5, 2.0, 9.0], 0.5, found) == {"sign": 2, "plus": 1}
    assert mistake_of(-0.5, 0.5, found) == {"id": "sign", "label": LABELS["sign"]}
    assert mistake_of(None, 0.5, found) is None


def test_counting_a_halls_answers_at_once_is_which_for_each_answer():
    rng = np.random.default_rng(5)
    found = [{"id": "sign", "value": -0.3}, {"id": "plus", "value": 0.302}, {"id": "gradient", "value": 0.0}]
    near = [0.3, -0.3, 0.302, 0.0, 5.0]
    answers = [float(rng.choice(near) * rng.normal(1, 0.006)) for _ in range(500)] + [0.30151, 0.0001]
    by_each: dict[str, int] = dict.fromkeys(("sign", "plus", "gradient"), 0)
    for a in answers:  # the right answer first, then the first mistake near (0.30151 is near both)
        name = which(a, 0.3, found)
        if name is not None:
            by_each[name] += 1
    assert counted(answers, 0.3, found) == by_each
    assert sum(by_each.values()) > 100
