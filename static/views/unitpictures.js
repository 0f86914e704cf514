/**
 * @fileoverview What each unit computes over the inputs, drawn inside its
 * node: x_j for every hidden unit and ŷ_k for every output, as a small heat
 * map of the input plane (2-D data) or a small curve (1-D data).  Each picture
 * is painted on a canvas and placed as one SVG <image> in its node; the values
 * come from one predict with units (the state's `pictures`).
 */

import { setAttr, setText, svgEl as el } from '../lib/dom.js';
import { sub } from '../lib/format.js';
import { PALETTE, PALETTE_STEPS, range } from '../state/unitgrid.js';

const CURVE = { width: 154, height: 90 };
// How strongly a picture shows through its node's numbers: painted into its pixels, not set as an
// opacity, which would make every picture a layer of its own to blend at each frame.
const MAP_ALPHA = Math.round(0.3 * 255);
const CURVE_ALPHA = 0.4;
const PLAYING_PAINT_MS = 2; // while playing, the pictures painted in one animation frame take about this long

// One canvas of each size, painted again for every picture: a new canvas and its context
// cost more than the picture.
const canvases = new Map();

function canvasOf(width, height) {
  const key = `${width}x${height}`;
  if (!canvases.has(key)) {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    canvases.set(key, { canvas, ctx: canvas.getContext('2d') });
  }
  return canvases.get(key);
}

/** A canvas painted with `values` over `grid`, as a data: URL (the page's CSP allows data: images). */
function paint(grid, values) {
  const [lo, hi] = range(values);
  const t = (v) => (hi > lo ? (v - lo) / (hi - lo) : 0.5);
  if (grid.dims === 2) {
    const n = grid.xs.length;
    const { canvas, ctx } = canvasOf(n, grid.ys.length);
    const image = ctx.createImageData(n, grid.ys.length);
    const data = image.data;
    for (let at = 0; at < values.length; at++) {
      const r = Math.floor(at / n);
      const p = 4 * ((grid.ys.length - 1 - r) * n + (at % n)); // row 0 is the lowest s2: at the bottom
      // looked up, not computed: a (2,16,1) network paints 17 pictures at once
      const q = 3 * Math.round(Math.max(0, Math.min(1, t(values[at]))) * PALETTE_STEPS);
      data[p] = PALETTE[q];
      data[p + 1] = PALETTE[q + 1];
      data[p + 2] = PALETTE[q + 2];
      data[p + 3] = MAP_ALPHA;
    }
    ctx.putImageData(image, 0, 0);
    return { url: canvas.toDataURL('image/png'), lo, hi };
  }
  const { canvas, ctx } = canvasOf(CURVE.width, CURVE.height);
  ctx.clearRect(0, 0, CURVE.width, CURVE.height);
  ctx.strokeStyle = '#0072B2';
  ctx.globalAlpha = CURVE_ALPHA;
  ctx.lineWidth = 4;
  ctx.beginPath();
  values.forEach((v, i) => {
    const x = 2 + (i / (values.length - 1)) * (CURVE.width - 4);
    const y = CURVE.height - 3 - t(v) * (CURVE.height - 6);
    if (i) ctx.lineTo(x, y);
    else ctx.moveTo(x, y);
  });
  ctx.stroke();
  return { url: canvas.toDataURL('image/png'), lo, hi };
}

export class UnitPictures {
  /** @param {HTMLElement} container  the diagram's container, whose SVG holds the nodes */
  init(container) {
    if (!container) throw new Error('UnitPictures needs the diagram’s container');
    this.container = container;
    this.drawn = null;
    this.svg = null;
    this.images = new Map(); // node id → its picture's <image>
    this.todo = []; // the pictures of the latest version still to paint
    this.later = 0; // the animation frame that paints more of them
    return this;
  }

  render(state) {
    const p = state.pictures;
    const svg = this.container.querySelector('svg');
    if (!svg) return;
    this.playing = state.play.playing;
    const version = p ? p.version : 0;
    if (svg === this.svg && version === this.drawn) {
      if (!this.playing && this.todo.length) this._paint(); // play stopped: the rest at once
      return;
    }
    if (svg !== this.svg) this.images = new Map(); // a new diagram: its nodes have no pictures yet
    this.svg = svg;
    this.drawn = version;
    this.shown = new Set();
    const todo = [];
    if (p && state.session) {
      const cfg = state.session.config;
      const column = (rows, k) => rows.map((r) => r[k]);
      for (let j = 0; j < cfg.hidden; j++) todo.push([`node-hid-${j}`, p.grid, column(p.x, j), `x${sub(j)}`]);
      for (let k = 0; k < cfg.n_y; k++) todo.push([`node-out-${k}`, p.grid, column(p.y_hat, k), `ŷ${sub(k)}`]);
    }
    // The units a version came too soon for go first: each unit's picture is painted in turn.
    const behind = new Set(this.todo.map(([id]) => id));
    this.todo = [...todo.filter(([id]) => behind.has(id)), ...todo.filter(([id]) => !behind.has(id))];
    this.version = p && state.session ? String(version) : null;
    this._paint();
  }

  /**
   * Paint the pictures still to paint.  While playing, a few milliseconds' worth an animation
   * frame: a (2,16,1) network's seventeen at once would hold a frame up; the rest follow.
   */
  _paint() {
    if (!this.svg.isConnected) {
      this.todo = []; // the diagram was drawn anew: the next render starts its pictures
      return;
    }
    const start = performance.now();
    while (this.todo.length) {
      this.shown.add(this._place(...this.todo.shift()));
      if (this.playing && this.todo.length && performance.now() - start > PLAYING_PAINT_MS) {
        if (!this.later) this.later = requestAnimationFrame(() => ((this.later = 0), this._paint()));
        return;
      }
    }
    for (const [id, image] of this.images) {
      if (!this.shown.has(id)) {
        image.remove();
        this.images.delete(id);
      }
    }
    if (this.version !== null) setAttr(this.svg, 'data-pictures', this.version);
    this.version = null;
  }

  /** The picture of one unit: the background of its node's box, under its numbers; its id, or null. */
  _place(id, grid, values, name) {
    const node = document.getElementById(id);
    const rect = node && node.querySelector('rect');
    if (!rect) return null;
    const { url, lo, hi } = paint(grid, values);
    const kind = `unit-picture unit-picture-${grid.dims === 2 ? 'map' : 'curve'}`;
    let image = this.images.get(id);
    if (!image || image.previousSibling !== rect) {
      // made once a node: later refreshes change its picture and its range only
      if (image) image.remove();
      const [x, y, w, h] = ['x', 'y', 'width', 'height'].map((a) => Number(rect.getAttribute(a)));
      image = el('image', { x: x + 3, y: y + 3, width: w - 6, height: h - 6, preserveAspectRatio: 'none' });
      el('title', {}, image);
      rect.after(image);
      this.images.set(id, image);
    }
    setAttr(image, 'class', kind);
    setAttr(image, 'href', url);
    setAttr(image, 'data-lo', String(lo));
    setAttr(image, 'data-hi', String(hi));
    const over = grid.dims === 2 ? 'the (s1, s2) plane' : 's1';
    setText(image.firstChild, `${name} over ${over}: from ${lo.toFixed(3)} (blue) to ${hi.toFixed(3)} (vermillion)`);
    return id;
  }
}
