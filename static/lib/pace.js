/**
 * @fileoverview Work a view does at a bounded rate while playing.  Numbers that
 * change sixty times a second cannot be read; rewriting them costs the browser
 * a layout and a paint each time.  A paced part of a view is redone at most
 * once per interval while playing, and at once otherwise (a step, a pause).
 * Work held back is done in an animation frame once the interval is up, so the
 * latest frame is always shown in the end, even when no frame follows it.
 */

export class Pace {
  /**
   * @param {number} ms  the shortest time between two runs while playing
   * @param {() => void} later  redoes the view's paced part (called in an animation frame)
   */
  constructor(ms, later) {
    this.ms = ms;
    this.later = later;
    this.at = -Infinity;
    this.timer = null;
  }

  /** Whether the paced part is to be redone now; when not, `later` is arranged for. */
  due(playing) {
    const now = performance.now();
    const wait = this.at + this.ms - now;
    if (!playing || wait <= 0) {
      this.at = now;
      return true;
    }
    if (this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        requestAnimationFrame(this.later);
      }, wait);
    }
    return false;
  }
}
