/**
 * @fileoverview The keyboard: one key per button, as the page's key list and
 * each button's aria-keyshortcuts say.  Keys typed into a field stay there.
 */

import { state } from '../state/store.js';
import { actions } from './actions.js';
import { moveStop } from './stops.js';

const KEYS = {
  n: actions.nextPhase,
  s: actions.step,
  e: actions.epoch,
  p: actions.togglePlay,
  ' ': actions.togglePlay,
  r: () => actions.reset(false),
  R: () => actions.reset(true),
  l: actions.toggleLog,
  q: actions.toggleQuiz,
  f: actions.togglePresenter,
  g: actions.gradcheck,
  escape: actions.stopWork,
  '[': () => actions.speed(-1),
  ']': () => actions.speed(1),
};

const STOP_KEYS = { pagedown: () => moveStop(1), pageup: () => moveStop(-1) };

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target.closest && target.closest('input, select, textarea')) return;
  // Space on a focused button or edge is that element's own press.
  if (event.key === ' ' && target.closest && target.closest('button, [tabindex]')) return;
  const key = event.key === 'R' || event.key === ' ' ? event.key : event.key.toLowerCase();
  // A lesson on show takes PageDown and PageUp (a presentation clicker's keys); else they scroll.
  const action = state.stops && STOP_KEYS[key] ? STOP_KEYS[key] : KEYS[key];
  if (!action) return;
  event.preventDefault();
  action();
}

/** Listen for the keys on the whole document. */
export function bindKeys() {
  document.addEventListener('keydown', onKey);
}
