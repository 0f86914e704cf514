/**
 * @fileoverview Work a view does at a bounded rate while playing.  Numbers that
 * change sixty times a second cannot be read; rewriting them costs the browser
 * a layout and a paint each time.  A paced part of a view is redone at most
 * once per interval while playing, and at once otherwise (a step, a pause).
 * Work held back is done in an animation frame once the interval is up, so the
 * latest frame is always shown in the end, even when no frame follows it.
 */

// While playing, the numbers on show (the diagram's, the dead-unit note's, the top bar's sample
// and mean loss) are rewritten ten times a second: no one reads more.
export const PLAYING_NUMBERS_MS = 100;

export class Pace {
  /**
   * @param {number} ms  the shortest time between two runs while playing
   * @param {(state) => void} redo  redraws the view from the latest state (called in an animation frame)
   */
  constructor(ms, redo) {
    this.ms = ms;
    this.redo = redo;
    this.state = null;
    this.held = false;
    this.at = -Infinity;
    this.timer = null;
  }

  /** Whether the paced part is to be redone now from `state`; when not, a redraw is arranged for. */
  due(state) {
    this.state = state;
    const now = performance.now();
    const wait = this.at + this.ms - now;
    if (!state.play.playing || wait <= 0) {
      this.at = now;
      this.held = false;
      return true;
    }
    this.held = true; // a state not drawn yet
    if (this.timer === null) {
      // Redone later, unless a drawing in the meantime has drawn the latest state (a played frame usually has).
      this.timer = setTimeout(() => {
        this.timer = null;
        requestAnimationFrame(() => this.held && this.redo(this.state));
      }, wait);
    }
    return false;
  }
}
