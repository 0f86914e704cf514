"""Lessons: a teacher's prepared stops, each a phase, a derivation line, hidden panels, a note
and a question, checked strictly; and the lessons the server comes with.

    panels   the parts of the page a lesson may hide, their names and labels (the page's too)
    text     a teacher's text without the characters that are not seen
    check    a lesson document checked field by field, and its normal form
    builtin  the built-in lessons (slides.json: the seed's slides, one stop each), checked at import
"""

from .builtin import BUILT_IN, summaries
from .check import check_lesson
from .panels import PANEL_NAMES, PANELS, panels_for_page

__all__ = ["BUILT_IN", "PANELS", "PANEL_NAMES", "check_lesson", "panels_for_page", "summaries"]
