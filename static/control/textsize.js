/**
 * @fileoverview The page's text size (in Settings), chosen on the projector and
 * kept in this browser (localStorage) for the next lecture: the top bar, the equations, the
 * chart and the tools grow with it; the diagram is already as large as its room.
 */

import { browserStorage } from '../lib/storage.js';
import { state } from '../state/store.js';
import { render } from './render.js';

const KEY = 'backprop-explainer.text-size';
export const TEXT_SIZES = [1, 1.15, 1.3, 1.5];

/** The size kept in this browser, or 1. */
export function keptTextSize() {
  let kept = null;
  try {
    kept = Number(browserStorage.getItem(KEY));
  } catch {
    // storage refused (a private window's policy): the default size
  }
  return TEXT_SIZES.includes(kept) ? kept : 1;
}

/** Show the text at `size` (one of TEXT_SIZES) and keep it for the next visit. */
export function setTextSize(size) {
  const chosen = Number(size);
  if (!TEXT_SIZES.includes(chosen)) return;
  state.textSize = chosen;
  try {
    browserStorage.setItem(KEY, String(chosen));
  } catch {
    // not kept: shown for this visit all the same
  }
  render();
}
