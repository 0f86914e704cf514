/**
 * @fileoverview A lesson: the parts of the page a teacher hides and the short
 * note shown at the top, as a lesson link carries them.  The parts' names and
 * labels and the note's length are the server's (app/classroom/lessons/panels.py,
 * served in the page's vocabulary); this module knows only which elements each
 * part is.  The link's keys are in state/link.js.
 */

import { CONSTANTS } from './vocabulary.js';

/** A lesson's stop ({title, note, hide, index, count}) as the page shows it: its note and hidden parts, and where it is. */
export function stopLesson(stop) {
  return { note: stop.note, hide: stop.hide, ignored: [], stop: { index: stop.index, count: stop.count, title: stop.title } };
}

export const MAX_NOTE = CONSTANTS.MAX_NOTE; // characters of the teacher's note: a line or two above the page

/** The elements each part of the server's table hides.  A hidden control's keys go with it. */
export const PART_SELECTORS = {
  algorithm: '.math-panel',
  loss: '.chart-panel',
  settings: '.settings-panel, #settings-open',
  fit: '.fit-panel',
  gradcheck: '.gradcheck-panel',
  meter: '.meter-panel',
  code: '.code-panel',
  share: '.share-panel',
  csv: '#csv-panel',
  lesson: '#lesson-panel',
  sample: '#sample-editor',
  epoch: '#epoch',
  play: '#play, .controls .speed',
  reset: '#reset, #reset-seed',
  quiz: '#quiz-toggle',
  presenter: '#presenter-toggle',
};

/**
 * The parts a lesson can hide, in the server's order: `name` in the link,
 * `label` on the teacher's form, `selector` the elements it hides.
 */
export const LESSON_PARTS = CONSTANTS.LESSON_PARTS.map(({ name, label }) => {
  if (!PART_SELECTORS[name]) throw new Error(`the page has no elements for the lesson part “${name}”`);
  return { name, label, selector: PART_SELECTORS[name] };
});

// Characters that are not seen but change how the text around them is seen: the bidirectional
// controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) that make a line read backwards,
// the default-ignorable ones (U+200B, U+2060–U+2064, U+FEFF, the tags U+E0000–U+E007F …) that
// hide text in plain sight, and control codes other than a tab or a line break.  Kept: the joiners
// (U+200C, U+200D) and the variation selectors, which emoji and several scripts need and which
// hide nothing.
const UNSEEN = /(?![\u200c\u200d\u180b-\u180f\ufe00-\ufe0f\u{e0100}-\u{e01ef}])[\p{Bidi_Control}\p{Default_Ignorable_Code_Point}]|[^\P{Cc}\t\n]/gu;
const LISTED = 3; // the unseen characters named, by code point, in what a link says it dropped

/** `text` without the characters that are not seen (UNSEEN); `unseen` names them ("U+202E, U+2066"). */
export function visibleText(text) {
  const found = new Set();
  const kept = String(text).replace(/\r\n?/g, '\n').replace(UNSEEN, (ch) => {
    found.add(`U+${ch.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
    return '';
  });
  const names = [...found];
  const unseen = names.slice(0, LISTED).join(', ') + (names.length > LISTED ? ', …' : '');
  return { text: kept, unseen };
}

/**
 * The note as it will be shown: plain text without the characters that are
 * not seen (`unseen` names them), at most MAX_NOTE characters (`cut` when it
 * was longer).
 */
export function boundedNote(text) {
  const { text: visible, unseen } = visibleText(text || '');
  const chars = Array.from(visible.trim());
  return { note: chars.slice(0, MAX_NOTE).join(''), cut: chars.length > MAX_NOTE, unseen };
}

/** The names of `hide` (a comma-separated list) split into the known parts and the unknown. */
export function hiddenParts(list) {
  const names = String(list || '').split(',').map((n) => n.trim()).filter(Boolean);
  const known = new Set(LESSON_PARTS.map((p) => p.name));
  return { hide: names.filter((n) => known.has(n)), unknown: names.filter((n) => !known.has(n)) };
}

/** Does a key press match one of the shortcuts an element declares ("P Space", "Shift+R", "[")? */
export function matchesShortcut(shortcuts, event) {
  return String(shortcuts || '').split(/\s+/).filter(Boolean).some((token) => {
    const parts = token.split('+');
    const key = parts.pop();
    const shift = parts.includes('Shift');
    if (key === 'Space') return event.key === ' ';
    if (key.length > 1) return event.key === key;
    return event.key.toLowerCase() === key.toLowerCase() && (!/[a-z]/i.test(key) || event.shiftKey === shift);
  });
}
