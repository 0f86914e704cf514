"""A teacher's text as it will be shown: without the characters that are not seen.

The same rule as the page's lesson link (static/state/lesson.js, UNSEEN): dropped are the
bidirectional controls that make a line read backwards, the default-ignorable characters that
hide text in plain sight, and control codes other than a tab or a line break; kept are the
joiners (U+200C, U+200D) and the variation selectors, which emoji and several scripts need.
Python's unicodedata has no Default_Ignorable property, so the code points are listed here;
a browser test holds this list to the page's regular expression over every code point.
"""

from __future__ import annotations

import re

# (first, last) code points dropped, from Unicode 15's Bidi_Control and Default_Ignorable_Code_Point
# less the joiners and variation selectors, and the control codes (Cc) less \t and \n.
UNSEEN_RANGES = (
    (0x0000, 0x0008), (0x000B, 0x001F), (0x007F, 0x009F), (0x00AD, 0x00AD), (0x034F, 0x034F),
    (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x200B, 0x200B), (0x200E, 0x200F),
    (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0000, 0xE00FF), (0xE01F0, 0xE0FFF),
)  # fmt: skip
_UNSEEN = re.compile("[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in UNSEEN_RANGES) + "]")


def visible_text(text: str) -> str:
    """`text` with line breaks as \\n and without the characters that are not seen."""
    return _UNSEEN.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
