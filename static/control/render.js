/**
 * @fileoverview The page's one redraw.  main.js sets it once the views exist;
 * every action asks for it after it has changed the state.  While playing, the
 * drawing waits for the next animation frame, so that however many frames come
 * in before it, the page is drawn once, from the state as it is then, and never
 * more often than the display shows.
 */

import { state } from '../state/store.js';

let draw = () => {};
let takeFrames = () => {}; // play frames that came since the last drawing (control/player.js)
let pending = 0; // the animation frame asked for, 0 when none is
let running = 0; // actions under way (control/queue.js)
let shownBusy = null;

/**
 * The body's data-busy: 'true' while an action runs or a drawing is still to
 * come, so that whoever reads the page (a test, a tool) waits for what it shows.
 * While playing, a drawing is always to come: only actions count then, so that
 * the body is not restyled twice a frame.
 */
function showBusy() {
  const busy = running > 0 || (pending !== 0 && !state.play.playing);
  if (busy === shownBusy) return;
  shownBusy = busy;
  document.body.dataset.busy = String(busy);
}

/** An action started (control/queue.js). */
export function actionStarted() {
  running += 1;
  showBusy();
}

/** An action ended: its drawing follows. */
export function actionEnded() {
  running -= 1;
  render();
  showBusy();
}

/** Make `fn` the redraw (main.js, once). */
export function setRender(fn) {
  draw = fn;
}

/** Make `fn` what takes waiting play frames into the state before each drawing (control/player.js, once). */
export function setFrameSource(fn) {
  takeFrames = fn;
}

function drawPending() {
  pending = 0;
  takeFrames();
  draw();
  showBusy();
}

/**
 * Draw every view from the state: while playing at the next animation frame
 * (frames come faster than a display shows them), else at once, so that a
 * click or a key is answered in the same task.
 */
export function render() {
  if (!state.play.playing) {
    renderNow();
    return;
  }
  if (!pending) {
    pending = requestAnimationFrame(drawPending);
    showBusy();
  }
}

let soon = false; // a redrawSoon is waiting for its animation frame

/**
 * One redraw at the next animation frame for however many asked before it: for messages that
 * come faster than a display shows them (a class's roster, the steps a student follows), so
 * that a slow device skips to the latest.
 */
export function redrawSoon() {
  if (soon) return;
  soon = true;
  requestAnimationFrame(() => {
    soon = false;
    render();
  });
}

/** Draw now: for code that reads what the views show right after a change. */
export function renderNow() {
  if (pending) cancelAnimationFrame(pending);
  drawPending();
}
