/**
 * @fileoverview The page's one redraw.  main.js sets it once the views exist;
 * every action calls it after it has changed the state.
 */

let draw = () => {};

/** Make `fn` the redraw (main.js, once). */
export function setRender(fn) {
  draw = fn;
}

/** Draw every view from the state as it is now. */
export function render() {
  draw();
}
