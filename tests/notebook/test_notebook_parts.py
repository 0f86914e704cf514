"""explain()'s parts without a kernel: the assignment's layers as A and B, the config it makes,
and where the page is shown (Colab, a terminal, Jupyter's output)."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest

from app.notebook import display, session_config
from app.notebook.weights import from_layers

LAYERS = [
    {"W": np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), "b": np.array([0.1, 0.2, 0.3])},
    {"W": np.array([[7.0], [8.0], [9.0]]), "b": np.array([[0.4]])},
]


def test_layers_become_A_and_B_with_each_bias_as_the_last_row():
    A, B = from_layers(LAYERS)
    assert A == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [0.1, 0.2, 0.3]]
    assert B == [[7.0], [8.0], [9.0], [0.4]]
    made = session_config({"f_A": "tanh", "dataset": "xor"}, data=([[0, 1]], [1]), layers=LAYERS)
    assert made["A"] == A and made["B"] == B and made["hidden"] == 3 and made["f_A"] == "tanh"
    assert made["data"] == {"s": [[0, 1]], "y": [[1]]} and "dataset" not in made


@pytest.mark.parametrize(
    "layers,message",
    [
        ([{"W": [[1.0, 2.0]], "b": [0.0, 0.0]}], "two layers"),
        (
            [{"W": [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], "b": [0.0, 0.0, 0.0]}, LAYERS[1]],
            "pass its transpose",
        ),
        ([LAYERS[0], {"W": [[1.0], [2.0]], "b": [0.0]}], "layer 2's W has 2 rows, but layer 1 has 3 outputs"),
        ([LAYERS[0], {"W": [[1.0]]}], "layer 2 must be a mapping with W and b"),
    ],
)
def test_layers_that_do_not_fit_are_refused_with_what_is_wrong(layers, message):
    with pytest.raises(ValueError, match=message):
        from_layers(layers)


def test_layers_with_A_or_without_bias_are_refused():
    with pytest.raises(ValueError, match="either layers or A and B"):
        session_config(A=[[1.0]], layers=LAYERS)
    with pytest.raises(ValueError, match="need bias on"):
        session_config({"bias": False}, layers=LAYERS)


def test_colab_shows_the_page_through_its_port_proxy(monkeypatch):
    served = []
    output = types.SimpleNamespace(serve_kernel_port_as_iframe=lambda *a, **k: served.append((a, k)))
    colab = types.ModuleType("google.colab")
    colab.output = output
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    display.show(8123, "/?session=abc", 700)
    assert served == [((8123,), {"path": "/?session=abc", "height": 700})]


def test_outside_a_notebook_it_says_where_the_page_is(capsys):
    display.show(8123, "/?session=abc", 700)
    said = capsys.readouterr().out
    assert "http://127.0.0.1:8123/?session=abc" in said and "ssh -L 8123:127.0.0.1:8123" in said


def test_jupyters_output_holds_the_message_and_the_choice_made_in_the_browser():
    with_proxy = display.bundle(8123, "/?session=abc", 700, proxy=True)
    without = display.bundle(8123, "/?session=abc", 700, proxy=False)
    assert "http://127.0.0.1:8123/?session=abc" in with_proxy["text/plain"]
    assert "} else if (true) {" in with_proxy["text/html"] and "} else if (false) {" in without["text/html"]
    assert "'proxy/' + 8123" in with_proxy["text/html"]
