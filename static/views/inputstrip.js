/**
 * @fileoverview The diagram's input layer drawn compactly when there are too many
 * inputs for a node each (a long random walk's one-hot features): a column of
 * thin cells shaded by s_i, with the active input, the largest |s_i|, marked and
 * named.  Only the active input's edges are drawn: under one-hot features it is
 * the only row of A (besides the bias) that this step reads or changes.
 */

import { mark, setAttr, setText, svgEl as el } from '../lib/dom.js';
import { fmt, sub } from '../lib/format.js';

export const STRIP_INPUTS = 24; // more inputs than this: the strip instead of nodes

export class InputStrip {
  /**
   * @param {SVGElement} svg  @param {number} x  centre of the column
   * @param {number} top  @param {number} bottom  @param {number} n  inputs (bias not counted)
   */
  build(svg, x, top, bottom, n) {
    this.n = n;
    this.top = top;
    this.pitch = (bottom - top) / n;
    const width = 22;
    const g = el('g', { class: 'input-strip', id: 'input-strip', role: 'img' }, svg);
    this.g = g;
    this.cells = [];
    for (let i = 0; i < n; i++) {
      this.cells.push(el('rect', { x: x - width / 2, y: top + i * this.pitch, width, height: this.pitch, class: 'strip-cell' }, g));
    }
    el('rect', { x: x - width / 2, y: top, width, height: bottom - top, class: 'strip-outline' }, g);
    this.marker = el('rect', { x: x - width / 2 - 3, width: width + 6, height: Math.max(this.pitch, 8), rx: 3, class: 'strip-active', id: 'strip-active' }, g);
    this.label = el('text', { x: x - width / 2 - 6, 'text-anchor': 'end', class: 'strip-label', id: 'strip-label' }, g);
    el('text', { x, y: top - 5, 'text-anchor': 'middle', class: 'strip-count' }, g).textContent = `${n} inputs`;
    this.shown = new Array(n).fill(null);
    this.active = 0;
    return this;
  }

  /** y of input i's cell centre, where its edges start. */
  y(i) {
    return this.top + (i + 0.5) * this.pitch;
  }

  /** Shade the cells by s (null before there is a sample) and mark the active input; returns its index. */
  render(s, source) {
    let active = 0;
    let max = 0;
    for (let i = 0; i < this.n; i++) {
      const v = s ? s[i] : 0;
      if (Math.abs(v) > max) {
        max = Math.abs(v);
        active = i;
      }
    }
    for (let i = 0; i < this.n; i++) {
      const v = s ? s[i] : 0;
      if (this.shown[i] === v) continue; // one-hot: two cells change a step, not all of them
      this.shown[i] = v;
      const u = max > 0 ? Math.min(1, Math.abs(v) / max) : 0;
      setAttr(this.cells[i], 'fill', `rgba(0, 0, 0, ${(0.85 * u).toFixed(3)})`);
    }
    this.active = active;
    const y = this.y(active);
    setAttr(this.marker, 'y', String(y - Math.max(this.pitch, 8) / 2));
    setAttr(this.label, 'y', String(y + 5));
    setText(this.label, s ? `s${sub(active)} = ${fmt(s[active])}` : '');
    mark(this.g, 'source', Boolean(source));
    const others = s && s.slice(0, this.n).filter((v) => v !== 0).length === 1 ? ', every other input is 0' : '';
    setAttr(this.g, 'aria-label', s ? `${this.n} inputs: s${sub(active)} = ${fmt(s[active])}${others}` : `${this.n} inputs`);
    return active;
  }
}
