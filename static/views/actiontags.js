/**
 * @fileoverview Control mode's names on the diagram: the inputs are p and v (scaled to
 * [−1, 1]), the outputs q̂(s, ←), q̂(s, 0), q̂(s, →); and, once a step is on show, the two
 * outputs whose action was not taken are marked "not taken: δᴮ = 0" (their y is their own ŷ).
 * Added to the diagram the network view built, as the unit pictures are, and made again
 * whenever it is built anew.
 */

import { mark, setAttr, svgEl as el } from '../lib/dom.js';
import { ACTION_NAMES, isControl } from '../state/control.js';
import { reached } from '../state/phases.js';

const INPUTS = ['p, scaled', 'v, scaled'];

/** SVG text with δᴮ's B raised as a tspan: a projector's font may lack the small capital ᴮ. */
function write(tag, text) {
  const [before, after] = text.split('δᴮ');
  tag.replaceChildren(before);
  if (after !== undefined) {
    tag.append('δ');
    el('tspan', { 'baseline-shift': 'super', 'font-size': '70%' }, tag).textContent = 'B';
    tag.append(after);
  }
  tag.dataset.text = text;
}

export class ActionTags {
  /** @param {HTMLElement} container  the diagram's container, whose SVG holds the nodes */
  init(container) {
    if (!container) throw new Error('ActionTags needs the diagram’s container');
    this.container = container;
    this.svg = null;
    this.tags = [];
    return this;
  }

  /** A tag of node `id`, over its box (`below`: under it), on the drawing's own layer; null without the node. */
  _tag(id, className, below = false) {
    const node = document.getElementById(id);
    const rect = node && node.querySelector('rect');
    if (!rect) return null;
    const [x, y, w, h] = ['x', 'y', 'width', 'height'].map((a) => Number(rect.getAttribute(a)));
    const right = className === 'tag-output';
    const tag = el('text', {
      x: right ? Math.min(x + w, this.width - 4) : x, y: below ? y + h + this.size : y - this.size / 3,
      'text-anchor': right ? 'end' : 'start', 'font-size': this.size, class: `node-tag ${className}`, id: `tag-${id}${below ? '-note' : ''}`,
    }, this.svg);
    return tag;
  }

  build(svg) {
    for (const tag of this.tags) tag.remove();
    this.svg = svg;
    this.tags = [];
    this.out = [];
    if (!svg) return;
    // A tall drawing (many hidden units) is shown small: its names are set larger to be read.
    const box = svg.viewBox.baseVal;
    this.width = box.width;
    this.size = Math.round(Math.max(17, Math.min(32, box.height / 42)));
    INPUTS.forEach((text, i) => {
      const tag = this._tag(`node-in-${i}`, 'tag-input');
      if (tag) write(tag, text);
      this.tags.push(tag);
    });
    ACTION_NAMES.forEach((name, a) => {
      const tag = this._tag(`node-out-${a}`, 'tag-output');
      const note = this._tag(`node-out-${a}`, 'tag-output', true);
      if (tag) write(tag, `q̂(s, ${name})`);
      this.tags.push(tag, note);
      this.out.push({ node: document.getElementById(`node-out-${a}`), note, name });
    });
    this.tags = this.tags.filter(Boolean);
  }

  render(state) {
    const svg = this.container.querySelector('svg');
    const cfg = state.session && state.session.config;
    if (!svg || !isControl(cfg)) {
      if (this.tags.length) this.build(null);
      return;
    }
    if (svg !== this.svg || !this.tags.every((t) => t.isConnected)) this.build(svg);
    const t = state.trace;
    // The step's target is known from the loss phase on: the outputs not taken are marked from then.
    const taken = t && t.transition && reached(state, 'loss') ? t.transition.action : null;
    for (const [a, { node, note, name }] of this.out.entries()) {
      if (!node || !note) continue;
      const untaken = taken !== null && a !== taken;
      mark(node, 'untaken', untaken);
      mark(node, 'taken', taken === a);
      const text = untaken ? 'not taken: δᴮ = 0' : taken === a ? `taken: A = ${name}` : '';
      if (note.dataset.text !== text) write(note, text);
      setAttr(node, 'data-action', String(a));
    }
  }
}
