/**
 * @fileoverview Lines fitted to their panel on one screen, so that a projector
 * never clips a phase's last line: first the type a little smaller, then fewer
 * worked rows (every value is on the diagram, and a line says how many it
 * leaves there), then the type smaller again, down to a floor still read from
 * the back of a room.  A panel measures itself here, once per change of what it
 * holds or of its size, never while a frame is drawn.
 */

/** The layout where the diagram, the equations and the chart share the screen (style.css). */
export const ONE_SCREEN = '(min-width: 1000px) and (min-height: 560px)';

const FIRST = [1, 0.92, 0.85]; // type sizes tried before rows give way
const AFTER = [0.78, 0.72, 0.66]; // and after, with the fewest rows

/** Does everything in `box` show without scrolling it? */
export function fits(box) {
  return box.scrollHeight <= box.clientHeight + 1 && box.scrollWidth <= box.clientWidth + 1;
}

/** The type size of `box`'s lines as a share of its own (the CSS variable --fit). */
export function setScale(box, scale) {
  if (box.dataset.fit === String(scale)) return;
  if (scale === 1) box.style.removeProperty('--fit');
  else box.style.setProperty('--fit', String(scale));
  box.dataset.fit = String(scale);
}

/**
 * Fit the lines of `box` into it.  `rows` are the worked rows that may give way
 * (the last first; at least `least` stay), and `onRows(shown)` rewrites whatever says how many are
 * left out; `beforeMeasure()` runs after each change of size (a line too wide
 * may be set again on two lines).  Returns {scale, rows: shown, fits}.
 *
 * `last`, an earlier answer for lines of the same kind, is tried first and kept if it still
 * fits, or if it did not fit either (every smaller size had been tried): one measuring instead
 * of up to twenty, for lines typeset again while a run plays, whose numbers change but not their
 * number or their kind.  It may keep the type smaller than the lines now need.
 */
export function fitLines(box, { rows = [], least = 1, onRows = () => {}, beforeMeasure = () => {}, last = null } = {}) {
  let shown = rows.length;
  const show = (n) => {
    rows.forEach((row, i) => {
      if (row.hidden !== i >= n) row.hidden = i >= n;
    });
    onRows(n);
    shown = n;
  };
  const tryScale = (scale) => {
    setScale(box, scale);
    beforeMeasure();
    return fits(box);
  };
  if (last) {
    show(Math.min(last.rows, rows.length));
    const fitsNow = tryScale(last.scale);
    if (fitsNow || !last.fits) return { scale: last.scale, rows: shown, fits: fitsNow };
  }
  show(rows.length);
  for (const scale of FIRST) if (tryScale(scale)) return { scale, rows: shown, fits: true };
  // The rows give way at the last of the first sizes; below it, each size takes back all it can.
  const sizes = [FIRST[FIRST.length - 1], ...AFTER];
  for (const scale of sizes) {
    show(rows.length);
    if (tryScale(scale)) return { scale, rows: shown, fits: true };
    for (let n = rows.length - 1; n >= Math.min(least, rows.length); n--) {
      show(n);
      if (fits(box)) return { scale, rows: shown, fits: true };
    }
  }
  return { scale: sizes[sizes.length - 1], rows: shown, fits: false };
}

/**
 * Lines with narrower forms (the last with one "= …" a line): each shows the
 * widest of its forms that is no wider than the panel, else its narrowest.  A
 * form's width at the full type size is measured once, then scaled with the type.
 */
export class LineForms {
  /** @param {(source: string, div: HTMLElement) => void} typeset  writes `source` into `div` */
  constructor(typeset) {
    this.typeset = typeset;
    this.lines = new WeakMap(); // line element -> {forms: [{source, nodes, width}], on}
  }

  /** `div` was just typeset in its own form; `narrower` are the sources of its others, widest first. */
  add(div, narrower) {
    this.lines.set(div, { forms: [{ nodes: null, width: null }, ...narrower.map((source) => ({ source, nodes: null, width: null }))], on: 0 });
  }

  /** Measure, at the full type size, the lines of `box` not measured yet (one layout for them all). */
  measure(box) {
    const fresh = [...box.children].filter((div) => this.lines.get(div)?.forms[0].width === null);
    const widths = fresh.map((div) => div.scrollWidth);
    fresh.forEach((div, i) => {
      this.lines.get(div).forms[0].width = widths[i];
    });
  }

  /** Each line of `box` in the widest of its forms that fits at the type size `scale`. */
  choose(box, scale) {
    const lines = [...box.children].filter((div) => !div.hidden && this.lines.get(div)?.forms[0].width > 0);
    const room = lines.map((div) => div.clientWidth + 1);
    lines.forEach((div, i) => {
      const line = this.lines.get(div);
      const last = line.forms.length - 1;
      let k = 0;
      // A narrower form is typeset and measured the first time it is needed, then kept.
      while (k < last && this._width(div, line, k, scale) * scale > room[i]) k += 1;
      this._show(div, line, k);
    });
  }

  _width(div, line, k, scale) {
    const form = line.forms[k];
    if (form.width === null) {
      this._show(div, line, k);
      form.width = div.scrollWidth / scale;
    }
    return form.width;
  }

  _show(div, line, k) {
    if (line.on === k) return;
    line.forms[line.on].nodes = [...div.childNodes];
    const form = line.forms[k];
    if (form.nodes) div.replaceChildren(...form.nodes);
    else this.typeset(form.source, div);
    line.on = k;
    if (k > 0) div.dataset.wrapped = 'true';
    else delete div.dataset.wrapped;
  }
}
