/**
 * @fileoverview The page's one redraw.  main.js sets it once the views exist;
 * every action asks for it after it has changed the state.  The drawing waits
 * for the next animation frame, so that however many changes come in before
 * it (play frames, answers, keys), the page is drawn once, from the state as
 * it is then, and never more often than the display shows.
 */

let draw = () => {};
let pending = 0; // the animation frame asked for, 0 when none is

/** Make `fn` the redraw (main.js, once). */
export function setRender(fn) {
  draw = fn;
}

function drawPending() {
  pending = 0;
  draw();
}

/** Draw every view from the state at the next animation frame. */
export function render() {
  if (!pending) pending = requestAnimationFrame(drawPending);
}

/** Draw now: for code that reads what the views show right after a change. */
export function renderNow() {
  if (pending) cancelAnimationFrame(pending);
  drawPending();
}
