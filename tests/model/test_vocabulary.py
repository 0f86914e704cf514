"""The vocabulary table: every activation and loss in it, its templates naming only their places,
and its TeX saying what its code computes (each template filled with numbers and evaluated)."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest

from app.model import activations, losses
from app.model.vocabulary import PLACE, fill, vocabulary

ZS = [-2.0, -0.3, 0.0, 0.4, 1.7]
# The places each kind of template may name (a name in parentheses is the same place).
ACTIVATION_PLACES = {"tex": {"z"}, "rule": {"f", "z"}, "at": {"f", "z"}}
LOSS_PLACES = {"y_hat", "y"}


def places(template: str) -> set[str]:
    """The places a template names: braces right after a TeX command (\\text{…}) are TeX's own."""
    found = set()
    for m in PLACE.finditer(template):
        if not re.search(r"\\[a-zA-Z]+$", template[: m.start()]):
            found.add(m.group(1) or m.group(2))
    return found


def _cases(m: re.Match) -> str:
    """\\begin{cases}a & cond\\\\ b & \\text{otherwise}\\end{cases} as a Python conditional."""
    rows = [row.split("&") for row in m.group(1).split(r"\\")]
    out = rows[-1][0] if "otherwise" in rows[-1][1] else "None"
    for value, condition in reversed(rows[:-1] if "otherwise" in rows[-1][1] else rows):
        out = f"(({value}) if ({condition}) else {out})"
    return out


FUNCTIONS = {"max": max, "log": math.log, "exp": math.exp, "tanh": math.tanh, "e": math.e,
             "sigmoid": lambda v: 1 / (1 + math.exp(-v))}  # fmt: skip


def evaluate(tex: str) -> float:
    """The TeX the table writes (products, powers, a fraction, cases, the usual functions), filled
    with numbers, evaluated as Python."""
    py = re.sub(r"\\begin\{cases\}(.*?)\\end\{cases\}", _cases, tex)
    py = re.sub(r"\\quad \(.*\)$", "", py)  # "1 \quad (0.4 > 0)": the note after the value
    py = re.sub(r"\\tfrac\{(\d+)\}\{(\d+)\}", r"(\1/\2)*", py)
    for a, b in [(r"\sigma", "sigmoid"), (r"\le", "<="), (r"\,", "*"), ("^", "**"), ("{", "("), ("}", ")")]:
        py = py.replace(a, b)
    py = re.sub(r"\\([a-z]+)", r"\1", py)  # \max, \log, \tanh: the functions of the same names
    py = re.sub(r"(\d|\))\(", r"\1*(", py)  # 2(y_hat - y), f(1-f): products
    return float(eval(py, dict(FUNCTIONS)))  # noqa: S307


def test_the_table_holds_every_activation_and_loss_and_is_json():
    table = json.loads(json.dumps(vocabulary()))
    assert list(table["activations"]) == list(activations.ACTIVATIONS)
    assert list(table["losses"]) == list(losses.LOSSES)
    choices = table["choices"]
    assert choices["f_A"]["names"] == list(activations.F_A_NAMES)
    assert choices["f_B"]["names"] == list(activations.F_B_NAMES)
    assert choices["loss"]["names"] == list(losses.LOSS_NAMES)
    for field in choices.values():
        assert field["names"][0] == field["default"]  # the default is offered first, then the table's order
    # The slides' own, in the order the page has always offered them (a new one joins after them).
    slides = {"f_A": ["relu", "sigmoid", "tanh", "linear"], "f_B": ["linear", "sigmoid", "tanh"]}
    for layer, names in slides.items():
        assert [n for n in choices[layer]["names"] if n in names] == names
    assert choices["loss"]["names"][:2] == ["half_squared", "squared"]
    for layer in ("f_A", "f_B"):
        for name in choices[layer]["names"]:
            assert layer in table["activations"][name]["layers"]
    assert losses.LOSS_SCALE == {"half_squared": 0.5, "squared": 1.0}


def test_each_template_names_only_its_own_places():
    for name, a in vocabulary()["activations"].items():
        assert a["label"], name
        assert places(a["tex"]) == {"z"}, name
        assert places(a["rule"]) <= ACTIVATION_PLACES["rule"], name
        for case in a["at"].values():
            assert places(case) <= ACTIVATION_PLACES["at"], name
    for name, loss in vocabulary()["losses"].items():
        assert loss["label"], name
        assert places(loss["tex"]) == places(loss["rule"]) == LOSS_PLACES, name


def test_fill_puts_symbols_as_they_are_and_negative_numbers_in_parentheses():
    assert fill(r"1-{(f)}^2", f=r"\hat{y}_k") == r"1-\hat{y}_k^2"
    assert fill(r"1-{(f)}^2", f=-0.5) == "1-(-0.5)^2"
    assert fill(r"{f}\,(1-{f})", f=-0.5) == r"-0.5\,(1--0.5)"
    assert fill(r"\tfrac{1}{2}({y_hat} - {(y)})^2", y_hat=0.25) == r"\tfrac{1}{2}(0.25 - {(y)})^2"
    rule = activations.RELU.rule
    assert fill(rule, z=r"\psi_j") == r"\begin{cases}1 & \psi_j > 0\\ 0 & \text{otherwise}\end{cases}"


@pytest.mark.parametrize("name", list(activations.ACTIVATIONS))
@pytest.mark.parametrize("z", ZS)
def test_an_activations_tex_computes_what_its_code_does(name, z):
    a = vocabulary()["activations"][name]
    f, prime = activations.ACTIVATIONS[name]
    fz = f(np.array([z]))
    fp = float(prime(np.array([z]), fz)[0])
    fz = float(fz[0])
    assert evaluate(fill(a["tex"], z=z)) == pytest.approx(fz)
    # The rule is written for symbols: a number stands in for one in parentheses.
    assert evaluate(fill(a["rule"], f=f"({fz!r})", z=f"({z!r})")) == pytest.approx(fp)
    at = a["at"]["positive" if z > 0 else "otherwise"]
    assert evaluate(fill(at, f=fz, z=z)) == pytest.approx(fp)


@pytest.mark.parametrize("name", list(losses.LOSSES))
@pytest.mark.parametrize(("y_hat", "y"), [(0.8, 0.1), (-0.4, 0.3), (0.2, -1.5)])
def test_a_losss_tex_computes_what_its_code_does(name, y_hat, y):
    loss = vocabulary()["losses"][name]
    L, L_prime = losses.LOSSES[name]
    d = np.array([y_hat - y])
    assert evaluate(fill(loss["tex"], y_hat=y_hat, y=y)) == pytest.approx(L(d))
    assert evaluate(fill(loss["rule"], y_hat=y_hat, y=y)) == pytest.approx(float(L_prime(d)[0]))


def test_relus_erratum_is_the_slides_first():
    (erratum,) = vocabulary()["activations"]["relu"]["errata"]
    assert erratum["id"] == "relu_psi"
    assert "That is ReLU itself" in erratum["text"] and "derivative is 1 for ψ > 0" in erratum["text"]
    assert "1 for ψ > 0, else 0" in erratum["short"]
    table = vocabulary()
    ids = [e["id"] for kind in ("activations", "losses") for v in table[kind].values() for e in v["errata"]]
    assert len(ids) == len(set(ids))
