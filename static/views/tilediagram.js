/**
 * @fileoverview The diagram with the course's tile coder in A's place: s = (p, v), then, where
 * the hidden layer would be, the active tiles as x units (one a tiling, x = 1, labelled with
 * their index in the table), B's rows at those tiles as numbers beside them, and B's edges from
 * them to the three outputs q̂(s, ·).  A is not learned: s's lines to the tiles are drawn grey
 * and dashed, and the drawing says so.  Built once per shape with stable ids, then restyled;
 * the network view draws every other session.
 */

import { mark, setAttr, setText, svgEl as el } from '../lib/dom.js';
import { fmt, sub } from '../lib/format.js';
import { PLAYING_NUMBERS_MS, Pace } from '../lib/pace.js';
import { NODE_NAMES, SYMBOL, buildLabel, spokenSymbol } from './nodenames.js';
import { ACTION_NAMES, isTiles } from '../state/control.js';
import { coversEveryPhase, reached, shownPhase } from '../state/phases.js';
import { currentSample } from '../state/trace.js';
import { frozenNote } from './tileequations.js';

// Columns: s (none on a phone: the top bar shows it), the tiles, B's three columns, the outputs.
const WIDE = { width: 740, height: 660, input: [52, 96], tile: [198, 112], cells: [264, 72], output: [652, 156], font: 16, digits: null };
const NARROW = { width: 556, height: 700, input: null, tile: [58, 112], cells: [124, 66], output: [470, 154], font: 19, digits: 3 };
const NARROW_SCREEN = '(max-width: 640px)';
const TOP = 64;
const BOTTOM = 76; // room for the note and the loss under the rows

// For each phase: what is computed, from what.  Groups: 'in', 'tile', 'out', 'B', 'loss'.
const FOCUS = coversEveryPhase({
  psi: null, delta_A: null, grad_A: null, update_A: null, // A is not learned
  x: { computing: ['tile'], source: ['in'] },
  theta: { computing: ['out'], source: ['tile', 'B'] },
  y_hat: { computing: ['out'], source: ['out'] },
  loss: { computing: ['loss'], source: ['out'] },
  delta_B: { computing: ['out'], source: ['out'] },
  grad_B: { computing: ['B'], source: ['tile', 'out'] },
  update_B: { computing: ['B'], source: ['B'] },
}, 'the tile diagram’s highlighting');

export class TileDiagram {
  /** @param {HTMLElement} container  the diagram's container, shared with the network view */
  init(container) {
    if (!container) throw new Error('TileDiagram needs the diagram’s container');
    this.container = container;
    this.key = null;
    this.numbers = new Pace(PLAYING_NUMBERS_MS, (state) => this.render(state));
    const screen = window.matchMedia(NARROW_SCREEN);
    this.narrow = screen.matches;
    screen.addEventListener('change', () => {
      this.narrow = screen.matches;
      if (this.state) this.render(this.state);
    });
    return this;
  }

  build(env, n_s, n_y) {
    const g = (this.geo = this.narrow ? NARROW : WIDE);
    const n = env.tilings;
    const ys = (count) => Array.from({ length: count }, (_, i) => TOP + ((i + 0.5) * (g.height - TOP - BOTTOM)) / count);
    this.container.replaceChildren();
    const svg = el('svg', {
      class: `tiles ${this.narrow ? 'narrow' : 'wide'}`, viewBox: `0 0 ${g.width} ${g.height}`, role: 'group', id: 'network-svg',
      'aria-label': `The tile coder: ${n_s} inputs, ${n} active tiles of ${env.iht_size} as x, ${n_y} outputs`,
    });
    this.container.appendChild(svg);
    this.svg = svg;
    const [tx, tw] = g.tile;
    const [cx0, cw] = g.cells;
    const cellsEnd = cx0 + n_y * cw;
    const [ox, ow] = g.output;
    const head = (x, text, anchor = 'middle') =>
      (el('text', { x, y: 22, class: 'col-head', 'text-anchor': anchor }, svg).textContent = text);
    if (g.input) head(g.input[0], 'inputs s');
    head(tx, this.narrow ? 'x: tiles' : `x: ${n} active tiles`);
    head((cx0 + cellsEnd) / 2, 'B’s rows there');
    head(ox, this.narrow ? 'outputs θ, ŷ' : 'outputs: θ = xB, ŷ');
    ACTION_NAMES.slice(0, n_y).forEach((name, k) => {
      el('text', { x: cx0 + (k + 0.5) * cw, y: 48, class: 'col-head tile-col', 'text-anchor': 'middle' }, svg).textContent = name;
    });
    this.rowY = ys(n);
    // The outputs spread further than the rows: room between them for their names and notes.
    const outY = Array.from({ length: n_y }, (_, k) => 56 + ((k + 0.5) * (g.height - 106)) / n_y);
    const inY = ys(n_s);
    const frozen = el('g', { class: 'frozen-A', 'aria-hidden': 'true' }, svg);
    const edges = el('g', { class: 'edges', 'aria-hidden': 'true' }, svg);
    if (g.input) {
      for (const y1 of inY) for (const y2 of this.rowY) el('line', { x1: g.input[0] + g.input[1] / 2, y1, x2: tx - tw / 2, y2, class: 'frozen-wire' }, frozen);
    }
    this.edges = this.rowY.map((y1) => outY.map((y2) => {
      const cell = el('g', { class: 'edge edge-B' }, edges);
      return { g: cell, line: el('line', { x1: cellsEnd, y1, x2: ox - ow / 2, y2, class: 'wire' }, cell) };
    }));
    this.inputs = g.input ? inY.map((y, i) => this._node(svg, 'in', i, g.input, y, 46, ['s'])) : [];
    this.tiles = this.rowY.map((y, r) => {
      const node = el('g', { class: 'node node-tile', id: `node-tile-${r}`, role: 'img' }, svg);
      el('rect', { x: tx - tw / 2, y: y - 24, width: tw, height: 48, rx: 10 }, node);
      const label = el('text', { x: tx, y: y - 3, 'text-anchor': 'middle', class: 'val tile-label', id: `tile-label-${r}` }, node);
      const x = el('text', { x: tx, y: y + 17, 'text-anchor': 'middle', class: 'val tile-x', id: `tile-x-${r}` }, node);
      const cells = outY.map((_, k) => {
        el('rect', { x: cx0 + k * cw + 2, y: y - 17, width: cw - 4, height: 34, rx: 5, class: 'tile-cell' }, svg);
        return el('text', { x: cx0 + (k + 0.5) * cw, y: y + 6, 'text-anchor': 'middle', class: 'tile-weight', 'font-size': g.font, id: `wB-${r}-${k}` }, svg);
      });
      return { node, label, x, cells };
    });
    this.outputs = outY.map((y, k) => this._node(svg, 'out', k, g.output, y, 132, NODE_NAMES.output));
    const note = el('text', { x: 6, y: g.height - BOTTOM + 30, class: 'frozen-note', id: 'tiles-frozen-note' }, svg);
    const [first, second] = frozenNote(env).split('; ');
    el('tspan', { x: 6 }, note).textContent = `${first};`;
    el('tspan', { x: 6, dy: 20 }, note).textContent = second;
    this.lossText = el('text', { x: ox, y: g.height - 14, 'text-anchor': 'middle', id: 'val-loss', class: 'loss-text' }, svg);
  }

  _node(svg, kind, index, [cx, w], cy, h, names) {
    const g = el('g', { class: `node node-${kind}`, id: `node-${kind}-${index}`, role: 'img' }, svg);
    el('rect', { x: cx - w / 2, y: cy - h / 2, width: w, height: h, rx: 10 }, g);
    const pitch = names.length > 3 ? 28 : 24;
    const lines = names.map((name, i) => {
      const y = cy - ((names.length - 1) * pitch) / 2 + i * pitch + 7;
      const t = el('text', { x: cx, y, 'text-anchor': 'middle', class: `val val-${name}`, id: `val-${name}-${sub(index)}` }, g);
      return { name, value: buildLabel(t, ...SYMBOL[name], sub(index)) };
    });
    return { g, index, lines };
  }

  render(state) {
    const cfg = state.session && state.session.config;
    if (!isTiles(cfg)) {
      this.key = null;
      return;
    }
    const key = `${state.session.id}/${cfg.n_s}/${cfg.n_y}/${this.narrow}`;
    if (key !== this.key || !this.svg.isConnected) {
      this.build(cfg.environment, cfg.n_s, cfg.n_y);
      this.key = key;
      this.drawn = null;
    }
    this.state = state;
    const t = state.trace;
    const phase = shownPhase(state);
    const focus = (phase && FOCUS[phase]) || { computing: [], source: [] };
    const marks = (el, group) => {
      mark(el, 'computing', focus.computing.includes(group));
      mark(el, 'source', focus.source.includes(group) && !focus.computing.includes(group));
    };
    for (const n of this.inputs) marks(n.g, 'in');
    for (const n of this.tiles) marks(n.node, 'tile');
    for (const n of this.outputs) marks(n.g, 'out');
    mark(this.lossText, 'computing', focus.computing.includes('loss'));
    const fresh = this.drawn === null; // a new drawing gets its numbers at once
    this.drawn = true;
    if (!this.numbers.due(state) && !fresh) return;
    const on = (id) => Boolean(t) && reached(state, id);
    const sample = currentSample(state);
    for (const node of this.inputs) this._values(node, { s: sample && sample.s[node.index] });
    const values = (k) => ({
      theta: on('theta') && t.theta[k], y_hat: on('y_hat') && t.y_hat[k], y: sample && sample.y[k], delta_B: on('delta_B') && t.delta_B[k],
    });
    for (const node of this.outputs) this._values(node, values(node.index));
    setText(this.lossText, on('loss') ? `L = ${fmt(t.loss)}` : '');
    const B = t && t.tiles ? (on('update_B') ? t.B : t.B_before) : null;
    const g = this.geo;
    let max = 1e-12;
    for (const row of B || []) for (const w of row) max = Math.max(max, Math.abs(w));
    this.tiles.forEach(({ node, label, x, cells }, r) => {
      const tile = t && t.tiles ? t.tiles[r] : null;
      const xr = tile !== null && t.x ? fmt(t.x[r]) : '·'; // a class's student has x from the phase that shows it on
      setText(label, tile === null ? 'tile ·' : `tile ${tile}`);
      setAttr(label, 'data-tile', tile === null ? '' : String(tile));
      setText(x, `x = ${xr}`);
      const row = B ? B[r] : null;
      cells.forEach((cell, k) => setText(cell, row ? this._weight(row[k], g.digits) : '·'));
      setAttr(node, 'aria-label', tile === null ? 'an active tile: not known before the step' :
        `tile ${tile}: x = ${xr}; B’s row: ${row.map((w, k) => `${ACTION_NAMES[k]} ${fmt(w)}`).join(', ')}`);
      this.edges[r].forEach(({ g: edge, line }, k) => {
        const w = row ? row[k] : 0;
        setAttr(line, 'stroke-width', (1 + 7 * (Math.abs(w) / max)).toFixed(1));
        mark(edge, 'neg', w < 0);
        mark(edge, 'pos', w >= 0);
        mark(edge, 'computing', focus.computing.includes('B'));
        mark(edge, 'faded', phase !== null && !focus.computing.includes('B') && !focus.source.includes('B'));
      });
    });
  }

  _values(node, values) {
    const spoken = [];
    for (const { name, value } of node.lines) {
      const v = values[name];
      const shown = v === false || v === undefined || v === null || Number.isNaN(v) ? '·' : fmt(v);
      setText(value, shown);
      spoken.push(`${spokenSymbol(name, node.index)} ${shown === '·' ? 'not computed yet' : `= ${shown}`}`);
    }
    setAttr(node.g, 'aria-label', spoken.join(', '));
  }

  /** A weight as a cell shows it: the page's format, or on a phone a few decimals (the width of a cell). */
  _weight(w, digits) {
    if (digits === null || w === 0 || Math.abs(w) >= 1000) return fmt(w);
    return w.toFixed(digits);
  }
}
