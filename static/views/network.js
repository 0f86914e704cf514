/**
 * @fileoverview The s–x–ŷ network as SVG.  Built once per shape (n_s, n_x,
 * n_y, bias) with stable ids, then only restyled, so nothing jumps while the
 * numbers change.
 */

import { mark, setAttr, setText, svgEl as el } from '../lib/dom.js';
import { fmt, sub } from '../lib/format.js';
import { PLAYING_NUMBERS_MS, Pace } from '../lib/pace.js';
import { InputStrip, STRIP_INPUTS } from './inputstrip.js';
import { EDGE_LABEL, placeLabels } from './labels.js';
import { NODE_NAMES, SYMBOL, buildLabel, spokenSymbol } from './nodenames.js';
import { isTiles } from '../state/control.js';
import { coversEveryPhase, reached, shownPhase } from '../state/phases.js';
import { currentSample, shownWeights } from '../state/trace.js';

// The full drawing, and a narrow one for phones: columns closer, headings short, so that its
// numbers are still 12 px or more on a small screen (there is no room for gradient labels there).
const WIDE = { width: 740, box: { input: [118, 46], hidden: [164, 90], output: [164, 132] }, col: { input: 64, hidden: 352, output: 656 }, heads: ['inputs s', 'hidden: ψ = sA, x = f(ψ)', 'outputs: θ = xB, ŷ'] };
const NARROW = { width: 556, box: { input: [104, 46], hidden: [154, 90], output: [154, 132] }, col: { input: 54, hidden: 253, output: 477 }, heads: ['inputs s', 'hidden ψ, x', 'outputs θ, ŷ'] };
const NARROW_SCREEN = '(max-width: 640px)';
const EDGE_LABEL_LIMIT = 24; // more edges than this: gradients only on hover
// Phases that read a bias unit's constant 1 (it has no ψ, x or δ of its own).
const BIAS_READ = new Set(['psi', 'theta', 'grad_B', 'grad_A']);
// Before a step: the next step's forward pass, from state.preview.
const PREVIEWED = new Set(['psi', 'x', 'theta', 'y_hat', 'loss']);

// For each phase: what is being computed, and what it is computed from.
// Keys name groups of elements: 'in', 'hid', 'out', 'A', 'B', 'loss'.
const FOCUS = coversEveryPhase({
  psi: { computing: ['hid'], source: ['in', 'A'] },
  x: { computing: ['hid'], source: ['hid'] },
  theta: { computing: ['out'], source: ['hid', 'B'] },
  y_hat: { computing: ['out'], source: ['out'] },
  loss: { computing: ['loss'], source: ['out'] },
  delta_B: { computing: ['out'], source: ['out'] },
  grad_B: { computing: ['B'], source: ['hid', 'out'] },
  update_B: { computing: ['B'], source: ['B'] },
  delta_A: { computing: ['hid'], source: ['B', 'out'] },
  grad_A: { computing: ['A'], source: ['in', 'hid'] },
  update_A: { computing: ['A'], source: ['A'] },
}, 'the diagram’s highlighting');

/** The shape of the network the first session is asked for, before it exists; null when not known yet. */
function draftShape(state) {
  const c = state.draft;
  if (!c || c.environment || c.hidden === undefined) return null;
  const d = c.data || state.datasets.find((x) => x.name === c.dataset);
  if (!d) return null;
  const n_s = d.n_s ?? d.s[0].length;
  const n_y = d.n_y ?? d.y[0].length;
  return { n_s, n_y, hidden: c.hidden, bias: c.bias };
}

export class NetworkView {
  /**
   * @param {HTMLElement} container  @param {HTMLElement} tooltip
   * @param {(cell, firstChar?) => void} onEdit  called when an edge is clicked or typed on
   */
  init(container, tooltip, onEdit = () => {}) {
    if (!container || !tooltip) throw new Error('NetworkView needs a container and a tooltip element');
    this.container = container;
    this.tooltip = tooltip;
    this.onEdit = onEdit;
    this.shapeKey = null;
    this.numbers = new Pace(PLAYING_NUMBERS_MS, (state) => this.render(state)); // the edges move every frame
    const screen = window.matchMedia(NARROW_SCREEN);
    this.narrow = screen.matches; // read when the screen changes, never while rendering
    screen.addEventListener('change', () => {
      this.narrow = screen.matches;
      if (this.state) this.render(this.state);
    });
    return this;
  }

  build(n_s, n_x, n_y, bias) {
    const rows = { input: n_s + bias, hidden: n_x + bias, output: n_y };
    const strip = n_s > STRIP_INPUTS; // many inputs: a strip of cells, not a node each
    const compact = rows.hidden > 9 || (!strip && rows.input > 9);
    const pitch = compact ? 40 : 104;
    const tallest = strip ? Math.max(rows.hidden, rows.output, 3) : Math.max(rows.input, rows.hidden, rows.output);
    const height = Math.max(380, tallest * pitch + 80);
    const { width: WIDTH, col: COL, heads: HEADS } = (this.geo = this.narrow ? NARROW : WIDE);
    this.container.replaceChildren();
    const svg = el('svg', {
      class: this.geo === NARROW ? 'narrow' : 'wide',
      viewBox: `0 0 ${WIDTH} ${height}`,
      role: 'group',
      'aria-label': `Network with ${n_s} inputs, ${n_x} hidden units and ${n_y} outputs`,
      id: 'network-svg',
    });
    this.container.appendChild(svg);
    this.svg = svg;
    this.compact = compact;
    this.shape = { n_s, n_x, n_y, bias: Boolean(bias) };
    const ys = (count) =>
      Array.from({ length: count }, (_, i) => 40 + ((i + 0.5) * (height - 80)) / count);
    this.pos = { input: ys(rows.input), hidden: ys(rows.hidden), output: ys(rows.output) };
    this.pitch = { input: (height - 80) / rows.input, hidden: (height - 80) / rows.hidden, output: (height - 80) / rows.output };
    this.strip = strip ? new InputStrip().build(svg, COL.input + 38, 44, height - 120, n_s) : null;
    if (strip) this.pos.input = [...Array(n_s).keys()].map((i) => this.strip.y(i)).concat(bias ? [height - 70] : []);
    for (const [col, label] of [['input', HEADS[0]], ['hidden', HEADS[1]], ['output', HEADS[2]]]) {
      el('text', { x: COL[col], y: 22, class: 'col-head', 'text-anchor': 'middle' }, svg).textContent =
        label;
    }
    const edges = el('g', { class: 'edges' }, svg);
    // Above every edge, and outside the edges' buttons: a button's name is its aria-label alone.
    this.labelLayer = el('g', { class: 'edge-labels', 'aria-hidden': 'true' }, svg);
    this.edges = { A: [], B: [] };
    const all = (count) => [...Array(count).keys()];
    // With the strip, A's edges start from the active input (row 0 until the first render moves it) and the bias.
    this._edges(edges, 'A', 'input', 'hidden', strip ? [0, ...(bias ? [n_s] : [])] : all(rows.input), n_x);
    this._edges(edges, 'B', 'hidden', 'output', all(rows.hidden), n_y);
    if (strip) for (const cell of this.edges.A[0]) cell.g.id = `edge-A-active-${cell.b}`;
    this.nodes = { in: [], hid: [], out: [] };
    this.boxes = [{ x: 0, y: 0, w: WIDTH, h: 30 }, { x: COL.output - 80, y: height - 34, w: 160, h: 26 }]; // heads, loss
    if (strip) this.boxes.push({ x: 0, y: 30, w: COL.input + 52, h: height - 140 }); // the strip and its label
    for (let i = strip ? n_s : 0; i < rows.input; i++) this.nodes.in.push(this._node('input', i, i === n_s));
    for (let j = 0; j < rows.hidden; j++) this.nodes.hid.push(this._node('hidden', j, j === n_x));
    for (let k = 0; k < rows.output; k++) this.nodes.out.push(this._node('output', k, false));
    this.lossText = el('text', { x: COL.output, y: height - 14, 'text-anchor': 'middle', id: 'val-loss', class: 'loss-text' }, svg);
    this.bounds = { x: 0, y: 0, w: WIDTH, h: height };
    this._placeLabels();
  }

  _edges(parent, name, from, to, fromRows, nTo) {
    const [wf] = this.geo.box[from];
    const [wt] = this.geo.box[to];
    for (const a of fromRows) {
      const row = [];
      for (let b = 0; b < nTo; b++) {
        const g = el('g', { class: `edge edge-${name}`, tabindex: 0, role: 'button', id: `edge-${name}-${a}-${b}` }, parent);
        const x1 = this.geo.col[from] + wf / 2;
        const y1 = this.pos[from][a];
        const x2 = this.geo.col[to] - wt / 2;
        const y2 = this.pos[to][b];
        const hit = el('line', { x1, y1, x2, y2, class: 'hit' }, g);
        const line = el('line', { x1, y1, x2, y2, class: 'wire' }, g);
        const t = 0.35; // where along a focused edge its tooltip appears
        const label = el('text', { class: 'edge-label', 'text-anchor': 'middle', id: `label-${name}-${a}-${b}` }, this.labelLayer);
        const cell = { g, hit, line, label, name, a, b, ends: { x1, y1, x2, y2 } };
        g.addEventListener('mouseenter', (e) => {
          this._describeNow(cell);
          this._showTip(cell, e.clientX, e.clientY);
        });
        g.addEventListener('mousemove', (e) => {
          this._describeNow(cell);
          this._showTip(cell, e.clientX, e.clientY);
        });
        g.addEventListener('mouseleave', () => this._hideTip());
        g.addEventListener('focus', () => {
          this._describeNow(cell);
          const r = line.getBoundingClientRect();
          this._showTip(cell, r.left + r.width * t, r.top + r.height * t);
        });
        g.addEventListener('blur', () => this._hideTip());
        g.addEventListener('click', () => this.onEdit(cell));
        g.addEventListener('keydown', (e) => {
          if (e.key === 'Enter') this.onEdit(cell);
          else if (/^[-\d.]$/.test(e.key)) this.onEdit(cell, e.key);
          else return;
          e.preventDefault();
          e.stopPropagation();
        });
        row.push(cell);
      }
      this.edges[name].push(row);
    }
  }

  _node(col, index, isBias) {
    const [w, h0] = this.geo.box[col];
    // A compact drawing's column with room for whole nodes (a few outputs beside many hidden units) keeps them.
    const compact = this.compact && this.pitch[col] < h0 + 20;
    const h = compact ? 30 : isBias ? 44 : h0;
    const cx = this.geo.col[col];
    const cy = this.pos[col][index];
    const kind = { input: 'in', hidden: 'hid', output: 'out' }[col];
    // An image to assistive technology, named by its values (set in render): its texts are read as one.
    const g = el('g', { class: `node node-${kind}${isBias ? ' bias' : ''}`, id: `node-${kind}-${index}`, role: 'img' }, this.svg);
    el('rect', { x: cx - w / 2, y: cy - h / 2, width: w, height: h, rx: 10 }, g);
    this.boxes.push({ x: cx - w / 2, y: cy - h / 2, w, h });
    const lines = [];
    const names = isBias ? ['bias'] : NODE_NAMES[col];
    const shown = compact ? names.slice(0, 1) : names;
    shown.forEach((name, n) => {
      const pitch = shown.length > 3 ? 28 : 24; // an output's y and δᴮ: the index under one clear of the other's over it
      const y = cy - ((shown.length - 1) * pitch) / 2 + n * pitch + 7;
      const t = el('text', { x: cx, y, 'text-anchor': 'middle', class: `val val-${name}`, id: `val-${name}-${sub(index)}` }, g);
      if (name === 'bias') t.textContent = '1 (bias)';
      const value = name === 'bias' ? null : buildLabel(t, ...SYMBOL[name], sub(index));
      lines.push({ name, t, value });
    });
    const title = el('title', {}, g);
    if (isBias) title.textContent = 'bias unit: always 1';
    g.setAttribute('aria-label', isBias ? 'bias unit: always 1' : names.map((name) => `${spokenSymbol(name, index)} not computed yet`).join(', '));
    // Every value is named, the ones a compact drawing leaves out too.
    return { g, lines, title, isBias, index, names: isBias ? [] : names };
  }

  render(state) {
    const cfg = state.session ? state.session.config : draftShape(state);
    if (isTiles(cfg)) this.shapeKey = null; // the tile coder's drawing is tilediagram.js's
    if (!cfg || isTiles(cfg)) return;
    const key = `${cfg.n_s}/${cfg.hidden}/${cfg.n_y}/${cfg.bias}/${this.narrow}`;
    if (key !== this.shapeKey) {
      this.build(cfg.n_s, cfg.hidden, cfg.n_y, cfg.bias ? 1 : 0);
      this.shapeKey = key;
    }
    if (!state.A) return; // the session is on its way: its shape alone
    this.state = state;
    const t = state.trace || state.preview;
    const sample = currentSample(state);
    const { A, B } = shownWeights(state);
    const phase = shownPhase(state);
    const focus = (phase && FOCUS[phase]) || { computing: [], source: [] };
    const on = (id) => (state.trace ? reached(state, id) : Boolean(state.preview) && PREVIEWED.has(id));
    // A new drawing gets its numbers at once.
    const numbers = this.numbers.due(state) || this.numbersShape !== this.shapeKey;
    this.numbersShape = this.shapeKey;
    if (this.strip) this._moveActiveRow(this.strip.render(sample ? sample.s : null, focus.source.includes('in')));

    const values = {
      s: (i) => sample && sample.s[i],
      psi: (j) => on('psi') && t.psi[j],
      x: (j) => on('x') && t.x[j],
      delta_A: (j) => on('delta_A') && t.delta_A[j],
      theta: (k) => on('theta') && t.theta[k],
      y_hat: (k) => on('y_hat') && t.y_hat[k],
      y: (k) => sample && sample.y[k],
      delta_B: (k) => on('delta_B') && t.delta_B[k],
    };
    for (const [group, nodes] of Object.entries(this.nodes)) {
      for (const node of nodes) {
        mark(node.g, 'computing', focus.computing.includes(group) && !node.isBias);
        const source = focus.source.includes(group) && !focus.computing.includes(group);
        mark(node.g, 'source', source && (!node.isBias || BIAS_READ.has(phase)));
        if (!numbers) continue;
        if (node.isBias) continue;
        const tip = [];
        const spoken = [];
        const shown = {};
        for (const name of node.names) {
          const v = values[name](node.index);
          shown[name] = v === false || v === undefined || v === null ? '·' : fmt(v);
          const [sym, sup] = SYMBOL[name];
          tip.push(`${sym}${sup ? `^${sup}` : ''}_${sub(node.index)} = ${shown[name]}`);
          spoken.push(`${spokenSymbol(name, node.index)} ${shown[name] === '·' ? 'not computed yet' : `= ${shown[name]}`}`);
        }
        for (const { name, value } of node.lines) setText(value, shown[name]);
        setAttr(node.g, 'aria-label', spoken.join(', ')); // a string, written only when it changed
        // While playing, a node's tooltip waits for the pause: no one reads a tooltip at 60 frames/s.
        if (!state.play.playing) setText(node.title, tip.join(', '));
        const dead = group === 'hid' && !node.isBias && on('psi') && cfg.f_A === 'relu' && t.psi[node.index] <= 0;
        mark(node.g, 'dead', Boolean(dead));
      }
    }
    if (numbers) setText(this.lossText, on('loss') ? `L = ${fmt(t.loss)}` : '');
    mark(this.lossText, 'computing', focus.computing.includes('loss'));

    // A gradient's label shows while it is computed and applied, then gives way.
    const showGrad = {
      A: phase === 'grad_A' || phase === 'update_A',
      B: phase === 'grad_B' || phase === 'update_B',
    };
    const weights = { A, B };
    for (const name of ['A', 'B']) {
      const W = weights[name];
      let max = 1e-12;
      for (const row of W) for (const w of row) max = Math.max(max, Math.abs(w));
      const few = this.edges[name].length * this.edges[name][0].length <= EDGE_LABEL_LIMIT;
      const grad = t ? t[`grad_${name}`] : null;
      const [computing, source] = [focus.computing.includes(name), focus.source.includes(name)];
      const role = { computing, source: source && !computing, faded: phase !== null && !computing && !source };
      const [roleKey, steps] = [Object.values(role).join(), state.play.playing ? 2 : 10];
      for (const row of this.edges[name]) {
        for (const cell of row) {
          const w = W[cell.a][cell.b];
          // Tenths of a pixel; while playing, halves at the numbers' pace (a restyle costs; no one sees 0.1 px).
          const width = (Math.round((1 + 8 * (Math.abs(w) / max)) * steps) / steps).toFixed(1);
          const look = `${width}/${w < 0}/${roleKey}`;
          if (cell.look !== look && (numbers || !cell.look)) {
            cell.look = look;
            setAttr(cell.line, 'stroke-width', width);
            for (const [c, on] of Object.entries({ ...role, neg: w < 0, pos: w >= 0 })) mark(cell.g, c, on);
          }
          if (numbers) setText(cell.label, showGrad[name] && few && grad ? `∇ ${fmt(grad[cell.a][cell.b])}` : '');
          cell.describe = [w, grad && on(`grad_${name}`) ? grad[cell.a][cell.b] : null];
          // While playing, an edge's exact value is written when it is hovered or focused.
          if (!state.play.playing) this._describeNow(cell);
        }
      }
      this.maxWeight = { ...(this.maxWeight || {}), [name]: max };
    }
  }

  /** With the input strip: A's first row of edges follows the active input. */
  _moveActiveRow(a) {
    if (this.edges.A[0].every((cell) => cell.a === a)) return;
    for (const cell of this.edges.A[0]) {
      cell.a = a;
      cell.ends.y1 = this.pos.input[a];
      for (const line of [cell.hit, cell.line]) line.setAttribute('y1', String(cell.ends.y1));
    }
    this._placeLabels();
  }

  /** Each gradient label where it covers no node, heading or other label; none where there is no room. */
  _placeLabels() {
    const cells = [...this.edges.A.flat(), ...this.edges.B.flat()];
    const spots = placeLabels(cells.map((cell) => cell.ends), this.boxes, EDGE_LABEL, this.bounds);
    cells.forEach(({ label }, i) => {
      if (spots[i]) {
        label.setAttribute('x', spots[i].x.toFixed(1));
        label.setAttribute('y', (spots[i].y + EDGE_LABEL.baseline).toFixed(1));
      }
      label.setAttribute('display', spots[i] ? 'inline' : 'none');
    });
  }

  /** The edge's accessible name from the values of the last render. */
  _describeNow(cell) {
    if (cell.describe) setAttr(cell.g, 'aria-label', this._describe(cell, ...cell.describe));
  }

  _describe(cell, w, g) {
    const { name, a, b } = cell;
    const bias = name === 'A' ? this.shape.bias && a === this.shape.n_s : this.shape.bias && a === this.shape.n_x;
    const from = bias ? 'the bias unit' : name === 'A' ? `input s${sub(a)}` : `hidden unit x${sub(a)}`;
    const to = name === 'A' ? `hidden unit ${sub(b)}` : `output ${sub(b)}`;
    let text = `${name}${sub(a)},${sub(b)} = ${Number(w).toPrecision(8)} (from ${from} to ${to})`;
    if (g !== null) text += `; ∇${name} = ${Number(g).toPrecision(6)}`;
    return text;
  }

  _showTip(cell, x, y) {
    this.tooltip.textContent = cell.g.getAttribute('aria-label');
    this.tooltip.hidden = false;
    const box = this.container.getBoundingClientRect();
    this.tooltip.style.left = `${Math.min(x - box.left + 12, box.width - 260)}px`;
    this.tooltip.style.top = `${y - box.top + 14}px`;
  }

  _hideTip() {
    this.tooltip.hidden = true;
  }
}
