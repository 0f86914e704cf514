"""Each stop of the `slides` lesson shows the numbers of the API's run, to the page's precision:
the test walks every stop alone (Next stop), reads every number the page shows for the stop's
content (the network's values and gradients, the equations of the stop's phase, each line of the
derivation on show, the top bar, the computation meter, the phase's place in the algorithm) and
compares it with the same quantity worked out here in NumPy from the session's state, weights
and data as the API gives them (GET the session, its export): forward, δᴮ = (ŷ − y) f_B′(θ),
δᴬ = (B δᴮ) f_A′(ψ) without B's bias row, the gradients and the updates, step by step."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tests.e2e.helpers import api
from tests.e2e.test_class_lesson import STOP, open_slides
from tests.e2e.test_derivation import fmt
from tests.e2e.test_td import settle

PHASES = [
    "psi",
    "x",
    "theta",
    "y_hat",
    "loss",
    "delta_B",
    "grad_B",
    "update_B",
    "delta_A",
    "grad_A",
    "update_A",
]
# What the page shows, as text: the diagram's values and edge labels, the equations' and the
# derivation's lines (each KaTeX formula by its TeX source, the text around it), the top bar, the meter.
SHOWN = """() => {
  const on = (e) => !!e && e.getClientRects().length > 0;
  const tex = (el) => [...el.querySelectorAll('annotation')].map((a) => a.textContent);
  const text = (el) => {
    const c = el.cloneNode(true);
    c.querySelectorAll('.katex').forEach((k) => k.remove());
    return c.textContent.replace(/\\s+/g, ' ').trim();
  };
  const derivation = document.getElementById('derivation-panel');
  return {
    values: [...document.querySelectorAll('#network [id^=val-]')].filter((e) => e.querySelector('.num'))
      .map((e) => [e.id, e.querySelector('.num').textContent]),
    loss: document.getElementById('val-loss').textContent,
    labels: [...document.querySelectorAll('#network .edge-label')].filter((e) => e.textContent.trim())
      .map((e) => [e.id, e.textContent]),
    heading: document.getElementById('equations-heading').textContent,
    equations: [...document.getElementById('equations').children].filter(on).flatMap(tex),
    derivation: on(derivation) ? [...derivation.querySelectorAll('.derive-line:not([hidden])')]
      .map((line) => ({ tex: tex(line), text: text(line) })) : [],
    intro: on(derivation) ? derivation.querySelector('p').textContent : null,
    top: document.querySelector('.topbar').innerText.replace(/\\s+/g, ' '),
    meter: on(document.getElementById('meter')) ? document.getElementById('meter').textContent : null,
    note: document.getElementById('lesson-note').textContent,
  };
}"""
# The derivation's last formula, ∂L/∂B₂₁ = δᴮ₁ × x₂ = g, with g's last digit changed.
PERTURB = """(g) => {
  const last = [...document.querySelectorAll('.derive-line annotation')]
    .find((n) => n.textContent.trim().endsWith('= ' + g));
  last.textContent = last.textContent.trim().slice(0, -1) + (g.endsWith('9') ? '8' : '9');
}"""
NUMBER = r"-?\d+(?:\.\d+)?(?:e-?\d+)?"


class Run:
    """The lesson's run worked out here: the slides' step on the one sample, again and again."""

    def __init__(self, config: dict, data: dict) -> None:
        assert (config["f_A"], config["f_B"], config["loss"], config["bias"]) == (
            "sigmoid", "linear", "half_squared", True,
        )  # fmt: skip
        assert len(data["s"]) == 1  # one sample: every step takes it
        self.alpha_A, self.alpha_B = config["alpha_A"], config["alpha_B"]
        self.s = np.append(np.asarray(data["s"][0], float), 1.0)
        self.y = np.asarray(data["y"][0], float)
        self.A, self.B = np.asarray(config["A"], float), np.asarray(config["B"], float)
        self.steps = 0
        self.last: dict | None = None  # the trace of the last step

    def forward(self, A: np.ndarray, B: np.ndarray) -> dict:
        psi = self.s @ A
        x = np.append(1 / (1 + np.exp(-psi)), 1.0)
        theta = x @ B
        y_hat = theta  # f_B linear
        return {"s": self.s, "y": self.y, "psi": psi, "x": x, "theta": theta, "y_hat": y_hat,
                "loss": 0.5 * np.sum((y_hat - self.y) ** 2)}  # fmt: skip

    def step(self) -> None:
        t = self.forward(self.A, self.B)
        t["dL_dy_hat"] = t["y_hat"] - self.y
        t["df_B"] = np.ones_like(t["theta"])
        t["delta_B"] = t["dL_dy_hat"] * t["df_B"]
        n_x = len(t["psi"])
        t["df_A"] = t["x"][:n_x] * (1 - t["x"][:n_x])
        t["delta_A"] = (self.B[:n_x] @ t["delta_B"]) * t["df_A"]  # B before its update, no bias row
        t["grad_B"], t["grad_A"] = np.outer(t["x"], t["delta_B"]), np.outer(self.s, t["delta_A"])
        t["A_before"], t["B_before"] = self.A, self.B
        self.B = self.B - self.alpha_B * t["grad_B"]
        self.A = self.A - self.alpha_A * t["grad_A"]
        t["A"], t["B"] = self.A, self.B
        self.steps += 1
        self.last = t

    def shown(self) -> dict:
        """What the page is about: the last step's trace, or before any, the next step's forward
        pass with its derivatives (a derivation works them out at the current weights)."""
        if self.last is not None:
            return self.last
        before, self.last = (self.A, self.B), None
        self.step()
        t, self.A, self.B, self.steps, self.last = self.last, *before, 0, None
        return t

    def mean_loss(self) -> float:
        return float(self.forward(self.A, self.B)["loss"])


def near(shown: str, value: float) -> bool:
    """`shown` is `value` as the page writes it: to the last digit shown (half a unit of it), and a
    0 or an e-number only for what is 0 to float precision."""
    v = float(shown)
    if re.fullmatch(r"-?\d+", shown):
        return abs(v - value) <= 1e-9 * max(1.0, abs(value))
    if "e" in shown:
        mantissa, exp = shown.split("e")
        unit = 10.0 ** (int(exp) - len(mantissa.split(".")[1]))
    else:
        unit = 10.0 ** -len(shown.split(".")[1])
    return abs(v - value) <= unit / 2 + 1e-12


def numbers(tex: str) -> list[str]:
    """The numbers of a formula, not its indices."""
    plain = re.sub(r"[_^]\{[^}]*\}|[_^][A-Za-z0-9]", "", tex)
    return re.findall(NUMBER, plain)


class Wrong(list):
    """The numbers on show that are not the run's, as (where, shown, wanted); `compared` counts all."""

    compared = 0


def against(found: list[str], want: list[float], what: str, wrong: Wrong) -> None:
    wrong.compared += len(want)
    if len(found) != len(want) or not all(near(f, w) for f, w in zip(found, want, strict=True)):
        wrong.append((what, found, [round(float(w), 6) for w in want]))


def formula(tex: str, t: dict, run: Run) -> list[float] | None:
    """The numbers a formula of the equations or the derivation must show, by what it says
    (None: a formula of symbols only)."""
    m = re.match(r"([AB])_\{(\d)(\d)\} = ", tex)
    if m:  # an update: W_jk = old − α × ∇ = new
        w, j, k = m[1], int(m[2]) - 1, int(m[3]) - 1
        alpha = run.alpha_A if w == "A" else run.alpha_B
        return [t[f"{w}_before"][j, k], alpha, t[f"grad_{w}"][j, k], t[w][j, k]]
    m = re.match(r"\\mathbf\{([AB])\} = \\begin\{bmatrix\}", tex)
    if m:
        return list(t[m[1]].ravel())
    m = re.match(r"\\delta\^A_\{(\d)\} = ", tex)
    if m:  # δᴬ_j = (B_j1 × δᴮ_1 + B_j2 × δᴮ_2) × f_A′(ψ_j) = δᴬ_j
        j = int(m[1]) - 1
        pairs = [v for k in range(len(t["delta_B"])) for v in (t["B_before"][j, k], t["delta_B"][k])]
        return [*pairs, t["df_A"][j], t["delta_A"][j]]
    if tex.startswith("f_A'(\\psi) = "):
        return list(t["df_A"])
    if tex.startswith("\\delta^{\\mathbf{B}} = ("):
        return list(t["delta_B"])
    m = re.match(r"\\frac\{\\partial L\}\{\\partial \\hat\{y\}_\{(\d)\}\} = \(", tex)
    if m:  # ∂L/∂ŷ_k = (ŷ_k − y_k) = (numbers) = value
        k = int(m[1]) - 1
        return [t["y_hat"][k], t["y"][k], t["dL_dy_hat"][k]]
    m = re.match(
        r"\\frac\{\\partial f_\{\\mathbf\{B\}\}\(\\theta_\{(\d)\}\)\}\{\\partial \\theta_\{\d\}\} = ", tex
    )
    if m:
        return [t["df_B"][int(m[1]) - 1]]
    m = re.match(
        r"\\frac\{\\partial \\theta_\{\d\}\}\{\\partial \\mathbf\{B\}_\{(\d)\d\}\} = \\mathbf\{x\}_\{\d\} = ",
        tex,
    )
    if m:
        return [t["x"][int(m[1]) - 1]]
    m = re.match(r"\\delta\^\{\\mathbf\{B\}\}_\{(\d)\} = \d", tex)
    if m:  # δᴮ_k = ∂L/∂ŷ_k × f_B′ = δᴮ_k
        k = int(m[1]) - 1
        return [t["dL_dy_hat"][k], t["df_B"][k], t["delta_B"][k]]
    m = re.match(r"\\frac\{\\partial L\}\{\\partial \\mathbf\{B\}_\{(\d)(\d)\}\} = \d", tex)
    if m:  # ∂L/∂B_jk = δᴮ_k × x_j = ∇
        j, k = int(m[1]) - 1, int(m[2]) - 1
        return [t["delta_B"][k], t["x"][j], t["grad_B"][j, k]]
    assert not re.search(r"\d\.\d", tex), f"a formula with numbers this test does not know: {tex}"
    return None


def wrong_numbers(page, stop: dict, state: dict, run: Run) -> Wrong:
    """Every number on show that is not the run's, as (where, shown, wanted)."""
    got, t, wrong = page.evaluate(SHOWN), run.shown(), Wrong()
    for name, value in got["values"]:  # val-psi-2 is ψ₂, val-delta_B-1 δᴮ₁: the diagram's nodes
        key, k = name[4 : name.rindex("-")], int(name[name.rindex("-") + 1 :]) - 1
        if value != "·" and key in t:  # (· : not computed yet at this phase)
            against([value], [t[key][k]], name, wrong)
    against(re.findall(NUMBER, got["loss"]), [t["loss"]], "val-loss", wrong)
    for name, label in got["labels"]:  # label-B-1-0: ∇ of B₂₁ on its edge
        w, j, k = name.split("-")[1:]
        against(re.findall(NUMBER, label), [t[f"grad_{w}"][int(j), int(k)]], name, wrong)
    if stop["phase"]:
        i = PHASES.index(stop["phase"])
        assert got["heading"].startswith(f"Phase {i + 1} of {len(PHASES)}: "), got["heading"]
    for tex in got["equations"] + [tex for line in got["derivation"] for tex in line["tex"]]:
        want = formula(tex, t, run)
        if want is not None:
            against(numbers(tex), want, tex, wrong)
    if got["derivation"]:
        step, sample = re.search(r"\(step (\d+)\) for sample #(\d+)", got["intro"]).groups()
        assert (int(step), int(sample)) == (state["step"], state["next_index"] + 1), got["intro"]
        j, k = (int(v) for v in stop["derive"].split(".")[1:])
        for line in got["derivation"]:
            said = re.match(r".*= (" + NUMBER + r"), the gradient backprop computes", line["text"])
            if said:
                against([said[1]], [t[f"grad_{stop['derive'][0]}"][j, k]], line["text"], wrong)
    top = re.search(
        rf"step (\d+) epoch (\d+) sample (?:next|this) step #1 s = \(({NUMBER}), ({NUMBER}), 1\), "
        rf"y = \(({NUMBER}), ({NUMBER})\) mean loss over D ({NUMBER})", got["top"])  # fmt: skip
    assert top, got["top"]
    assert int(top[1]) == int(top[2]) == state["step"] == run.steps, (got["top"], state["step"])
    against(list(top.groups()[2:6]), [*run.s[:2], *run.y], "the top bar's sample", wrong)
    against([top[7]], [run.mean_loss()], "the top bar's mean loss", wrong)
    if got["meter"] is not None:  # multiplications for one sample's gradient, with and without δ
        n_s, n_x, n_y = len(run.s) - 1, len(t["psi"]), len(run.y)
        parts = [n_y, (n_x + 1) * n_y, n_x * n_y + n_x, (n_s + 1) * n_x]
        alone = 2 * (n_x + 1) * n_y + 4 * (n_s + 1) * n_x * n_y
        counts = re.search(r"takes (\d+) multiplications with backprop \(δB (\d+), ∇B (\d+), δA (\d+), "
                           r"∇A (\d+)\), against (\d+) .*: ([\d.]+)× as many", got["meter"])  # fmt: skip
        assert counts, got["meter"]
        against(list(counts.groups()), [sum(parts), *parts, alone, alone / sum(parts)], "the meter", wrong)
    if stop["title"] == "Goal":  # its step sizes, as the run has them
        said = re.search(r"here (" + NUMBER + ") both", got["note"])
        against([said[1], said[1]], [run.alpha_A, run.alpha_B], "the goal's α", wrong)
    return wrong


def test_every_stop_of_the_slides_shows_the_runs_own_numbers(watch, server_url):
    page = watch.page
    lesson = api(f"{server_url}/api/lessons/slides")
    open_slides(page)
    sid = page.evaluate("document.body.dataset.session")  # the page's run (control/session.js)
    document = api(f"{server_url}/api/sessions/{sid}/export")
    run = Run(api(f"{server_url}/api/sessions/{sid}")["config"], document["config"]["data"])
    compared = []  # how many numbers each stop showed
    for i, stop in enumerate(lesson["stops"]):
        assert page.evaluate(STOP).startswith(f"Stop {i + 1} of ")
        if stop["derive"]:  # the stop's derivation, drawn to its line
            at = f"[data-weight='{stop['derive']}'][data-line='{stop['line']}']"
            page.wait_for_selector(f"#derivation-panel[data-ready=true]{at}")
        if stop["phase"]:
            page.wait_for_selector(f"#equations[data-phase='{stop['phase']}']")
        state = api(f"{server_url}/api/sessions/{sid}")["state"]
        while run.steps < state["step"]:
            run.step()
        for w in ("A", "B"):  # the API's weights are the run's
            np.testing.assert_allclose(state[w], getattr(run, w), rtol=1e-9, atol=1e-12)
        wrong = wrong_numbers(page, stop, state, run)
        assert wrong == [], (i + 1, stop["title"])
        compared.append(wrong.compared)
        if stop["title"] == "An example of the gradient":  # the check fails where one number is off
            page.evaluate("document.querySelector('#val-x-2 .num').textContent = '0.5970'")
            assert [w[0] for w in wrong_numbers(page, stop, state, run)] == ["val-x-2"]
            gradient = fmt(run.shown()["grad_B"][1, 0])  # ∂L/∂B₂₁, the derivation's last number
            page.evaluate(PERTURB, gradient)
            assert len(wrong_numbers(page, stop, state, run)) == 2
        if i < len(lesson["stops"]) - 1:
            page.click("#stop-next")
            page.wait_for_function(f"{STOP}.startsWith('Stop {i + 2} of')")
            settle(page)
    assert len(compared) == len(lesson["stops"]) == 8 and min(compared) >= 15, compared
    print("numbers compared, stop by stop:", compared)
    assert watch.errors == [], watch.errors


@pytest.mark.parametrize("shown,value,ok", [("0.5969", 0.59688, True), ("0.5969", 0.59696, False),
                                            ("0", 1e-12, True), ("0", 1e-6, False), ("1.50e-36", 0.0, True),
                                            ("-0.0100", -0.01004, True), ("1", 1.0, True)])  # fmt: skip
def test_a_number_is_near_a_value_to_its_last_digit(shown, value, ok):
    assert near(shown, value) is ok
