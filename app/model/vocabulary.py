"""The explainer's vocabulary as one table the page receives: every activation and loss with
its label, its TeX and its errata, and the choices of each config field they fill.

The page (static/state/vocabulary.js) fills the TeX templates with `fill`'s rule: a place is
a name in braces, {z}, filled with a symbol as it is or with a number; {(z)} is the same
place, with a negative number put in parentheses.  Braces around anything else are TeX's.
"""

from __future__ import annotations

import re
from dataclasses import asdict

from .activations import DEFAULTS, F_A_NAMES, F_B_NAMES, Activation
from .activations import TABLE as ACTIVATION_TABLE
from .losses import DEFAULT as DEFAULT_LOSS
from .losses import LOSS_NAMES, Loss
from .losses import TABLE as LOSS_TABLE

# A template's places: {name} or {(name)}, a name in lower case letters and underscores.
PLACE = re.compile(r"\{(?:\(([a-z_]+)\)|([a-z_]+))\}")


def fill(template: str, **values: str | float) -> str:
    """`template` with each place named in `values` filled: a symbol (a string) as it is, a
    number as repr gives it (in parentheses at {(name)} when negative).  The page's own
    filling writes numbers as it shows them; this one is for checking the templates."""

    def place(m: re.Match) -> str:
        paren = m.group(1) is not None
        name = m.group(1) or m.group(2)
        if name not in values:
            return m.group(0)
        v = values[name]
        if isinstance(v, str):
            return v
        return f"({v!r})" if paren and v < 0 else repr(v)

    return PLACE.sub(place, template)


def _activation(a: Activation) -> dict:
    return {
        "label": a.label,
        "tex": a.tex,
        "rule": a.rule,
        "at": {"positive": a.at, "otherwise": a.at_not_positive or a.at},
        "layers": list(a.layers),
        "errata": [asdict(e) for e in a.errata],
    }


def _loss(loss: Loss) -> dict:
    errata = [asdict(e) for e in loss.errata]
    return {"label": loss.label, "tex": loss.tex, "rule": loss.rule, "errata": errata}


def vocabulary() -> dict:
    """The whole table, JSON-able: `activations` and `losses` by name, in the table's order;
    `choices` of the config fields f_A, f_B and loss, each its default and its names in the
    order the page offers them."""
    return {
        "activations": {a.name: _activation(a) for a in ACTIVATION_TABLE},
        "losses": {loss.name: _loss(loss) for loss in LOSS_TABLE},
        "choices": {
            "f_A": {"default": DEFAULTS["f_A"], "names": list(F_A_NAMES)},
            "f_B": {"default": DEFAULTS["f_B"], "names": list(F_B_NAMES)},
            "loss": {"default": DEFAULT_LOSS, "names": list(LOSS_NAMES)},
        },
    }
