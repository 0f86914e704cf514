"""The parts of the page a lesson may hide: the server's one table of their names and labels.

The page receives it (app/api/routes/pages.py, PAGE_CONSTANTS) and keeps only which elements
each name hides (static/state/lesson.js); a lesson link and a lesson's stops name the same
parts.  The order is the teacher's form's, and a list of hidden parts is kept in it.
"""

from __future__ import annotations

PANELS = (
    ("algorithm", "the slides’ algorithm and the equations"),
    ("loss", "the loss chart"),
    ("settings", "the settings"),
    ("fit", "the fit view"),
    ("gradcheck", "the gradient check"),
    ("meter", "what backprop saves"),
    ("code", "the NumPy code"),
    ("share", "share and export"),
    ("csv", "own data (CSV)"),
    ("lesson", "this lesson form"),
    ("sample", "the next-sample editor"),
    ("epoch", "the Epoch button"),
    ("play", "Play and its speeds"),
    ("reset", "Reset and New seed"),
    ("quiz", "the Quiz button"),
    ("presenter", "the Presenter button"),
)
PANEL_NAMES = tuple(name for name, _ in PANELS)


def panels_for_page() -> list[dict]:
    """The table as the page reads it: [{name, label}] in the form's order."""
    return [{"name": name, "label": label} for name, label in PANELS]
