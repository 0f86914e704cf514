"""The explainer inside a Jupyter notebook: `explain(...)` shows the page, on a run of its own.

    from backprop_explainer import explain
    explain(config={"hidden": 2, "f_A": "sigmoid"}, data={"s": s, "y": y}, A=A, B=B)

The page is served by the kernel's own server (kernel_server.py: a thread, one per kernel,
loopback only) and shown where the notebook's browser can reach it (display.py).  Nothing here
imports the server until the first call, so `import backprop_explainer` stays light.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence

from .display import show
from .weights import from_layers, plain

HEIGHT = 760  # pixels of the frame: the diagram, the equations and the loss chart at a notebook's width


def _data(data) -> dict:
    """{"s": rows, "y": rows} from a mapping with s and y, or a pair (s, y); a flat s or y: a value a row."""
    s, y = (data["s"], data["y"]) if isinstance(data, Mapping) else data
    s, y = plain(s), plain(y)
    if isinstance(y, list) and y and not isinstance(y[0], list):
        y = [[value] for value in y]
    if isinstance(s, list) and s and not isinstance(s[0], list):
        s = [[value] for value in s]
    return {"s": s, "y": y}


def session_config(config=None, A=None, B=None, data=None, layers=None) -> dict:
    """The session's config from explain()'s arguments, as POST /api/sessions takes it."""
    made = dict(config or {})
    if data is not None:
        made.pop("dataset", None)
        made["data"] = _data(data)
    if layers is not None:
        if A is not None or B is not None:
            raise ValueError("give either layers or A and B, not both")
        if made.get("bias") is False:
            raise ValueError("layers carry biases (b): they need bias on, not bias: False")
        A, B = from_layers(layers)
    for name, weights in (("A", A), ("B", B)):
        if weights is not None:
            made[name] = plain(weights)
    if isinstance(made.get("A"), list) and made["A"] and isinstance(made["A"][0], list):
        made.setdefault("hidden", len(made["A"][0]))  # A's columns are the hidden units
    return made


def _create(url: str, config: dict) -> dict:
    """A session of the kernel's server, made as the page makes one; its 4xx message raised as ValueError."""
    request = urllib.request.Request(
        url + "/api/sessions", data=json.dumps(config).encode(), method="POST",
        headers={"content-type": "application/json"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return json.load(answer)
    except urllib.error.HTTPError as e:
        if 400 <= e.code < 500:
            raise ValueError(json.load(e).get("message", f"refused ({e.code})")) from None
        raise


def explain(
    config: Mapping | None = None,
    A=None,
    B=None,
    data=None,
    *,
    layers: Sequence[Mapping] | None = None,
    height: int = HEIGHT,
) -> None:
    """Shows the explainer in the notebook, on a new run made from the arguments.

    config: a session's config, as the README's API gives it (hidden, f_A, f_B, loss, alpha_A,
        alpha_B, bias, seed, order, update_order, optimizer, dataset, ...).
    A, B: initial weights, bias rows last (NumPy arrays or nested lists).
    data: your data set, {"s": inputs, "y": targets} or a pair (s, y); one row per sample.
    layers: instead of A and B, the course assignment's weights: [{"W": W1, "b": b1}, {"W": W2,
        "b": b2}], W n_in × n_out, each layer computing input @ W + b.  They become the slides'
        A = W1 with b1 appended as its last row and B = W2 with b2 as its last row (the slides
        append a 1 to s and to x; bias stays on).
    height: the frame's height in pixels.

    A value out of bounds raises ValueError with the server's message, which names the field.
    The page is served by this kernel's server (loopback only; one per kernel, started by the
    first call), shown in a frame where the browser can reach it, or named in a message.
    """
    from .kernel_server import kernel_server

    server = kernel_server()
    session = _create(server.url, session_config(config, A, B, data, layers))
    path = f"/?session={session['id']}"
    show(server.port, path, height)
