/**
 * @fileoverview A lesson link opened: its note and hidden parts into the
 * state, and the keys of hidden controls kept from acting, as their buttons are.
 */

import { matchesShortcut } from '../state/lesson.js';
import { readLesson } from '../state/link.js';
import { state } from '../state/store.js';

function onKey(event) {
  if (!state.lesson || !state.lesson.hide.length) return;
  if (event.target.closest && event.target.closest('input, select, textarea')) return;
  const hidden = document.querySelectorAll('.lesson-hidden[aria-keyshortcuts], .lesson-hidden [aria-keyshortcuts]');
  for (const el of hidden) {
    if (matchesShortcut(el.getAttribute('aria-keyshortcuts'), event)) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
  }
}

/** Take the lesson of the page's address (before the page's start), and guard the keys of what it hides. */
export function openLesson(search) {
  state.lesson = readLesson(search);
  window.addEventListener('keydown', onKey, true);
}
