/**
 * @fileoverview Control mode's two maps over (p, v), painted as the unit pictures are: the cost
 * to go −max_a q̂(s, a) (blue low, vermillion high) and the greedy action argmax_a q̂(s, a),
 * from the values endpoint (the state's `values`, asked again at most a few times a second
 * while playing), with the car's (p, v) marked on both at every drawing; and, once compared
 * (control/compare.js), the tile coder's cost to go on the same seed, both maps then on one
 * scale (the same colour is the same cost on both).
 */

import { richText, setAttr, setProp, setText, svgEl as el } from '../lib/dom.js';
import { fmt } from '../lib/format.js';
import { ACTION_NAMES, CAR, costAndGreedy, isControl } from '../state/control.js';
import { PALETTE, PALETTE_STEPS, range } from '../state/unitgrid.js';

const W = 300;
const H = 262;
const BOX = { left: 58, right: 280, top: 8, bottom: 206 };
// The greedy action's colours: left blue, none grey, right vermillion (the page's scale's ends).
export const ACTION_COLOURS = [[0, 114, 178], [170, 170, 170], [213, 94, 0]];
const MAPS = [
  { id: 'cost', title: 'cost to go −max_{a} q̂' },
  { id: 'tiles', title: 'the tile coder’s cost to go', hidden: true }, // beside the network's, once compared
  { id: 'greedy', title: 'greedy action argmax_{a} q̂' },
];

let canvas = null;

/** n × n pixels as a data: URL, `colour(i, j)` giving [r, g, b] of position i, velocity j. */
function paint(n, colour) {
  canvas ||= document.createElement('canvas');
  canvas.width = n;
  canvas.height = n;
  const ctx = canvas.getContext('2d');
  const image = ctx.createImageData(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const at = 4 * ((n - 1 - j) * n + i); // velocity up, position across
      image.data.set([...colour(i, j), 255], at);
    }
  }
  ctx.putImageData(image, 0, 0);
  return canvas.toDataURL('image/png');
}

const xOf = (p) => BOX.left + ((p - CAR.POSITION[0]) / (CAR.POSITION[1] - CAR.POSITION[0])) * (BOX.right - BOX.left);
const yOf = (v) => BOX.bottom - ((v - CAR.VELOCITY[0]) / (CAR.VELOCITY[1] - CAR.VELOCITY[0])) * (BOX.bottom - BOX.top);

/** A cost map's image: each of the n × n costs on the page's scale from lo (blue) to hi (vermillion). */
function paintCost(cost, n, lo, hi) {
  const t = (c) => (hi > lo ? (c - lo) / (hi - lo) : 0.5);
  return paint(n, (i, j) => {
    const q = 3 * Math.round(t(cost[i * n + j]) * PALETTE_STEPS);
    return [PALETTE[q], PALETTE[q + 1], PALETTE[q + 2]];
  });
}

export class CostMaps {
  /** @param {HTMLElement} container  @param {HTMLElement} caption */
  init(container, caption) {
    if (!container || !caption) throw new Error('CostMaps needs a container and a caption');
    this.container = container;
    this.caption = caption;
    this.maps = null;
    this.drawn = null;
    return this;
  }

  build() {
    this.maps = {};
    for (const { id, title, hidden } of MAPS) {
      const figure = document.createElement('figure');
      figure.className = 'cost-map';
      figure.hidden = Boolean(hidden);
      const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, id: `map-${id}`, role: 'img' });
      const image = el('image', { x: BOX.left, y: BOX.top, width: BOX.right - BOX.left, height: BOX.bottom - BOX.top, preserveAspectRatio: 'none', class: 'map-image' }, svg);
      el('rect', { x: BOX.left, y: BOX.top, width: BOX.right - BOX.left, height: BOX.bottom - BOX.top, class: 'map-frame' }, svg);
      const [p0, p1] = CAR.POSITION;
      const [v0, v1] = CAR.VELOCITY;
      for (const p of [p0, -0.5, p1]) el('text', { x: xOf(p), y: BOX.bottom + 20, 'text-anchor': 'middle', class: 'map-tick' }, svg).textContent = String(p);
      el('text', { x: (BOX.left + BOX.right) / 2, y: BOX.bottom + 44, 'text-anchor': 'middle', class: 'map-axis' }, svg).textContent = 'position p';
      for (const v of [v0, 0, v1]) el('text', { x: BOX.left - 5, y: yOf(v) + 5, 'text-anchor': 'end', class: 'map-tick' }, svg).textContent = String(v);
      el('text', { x: 14, y: (BOX.top + BOX.bottom) / 2, 'text-anchor': 'middle', class: 'map-axis', transform: `rotate(-90 14 ${(BOX.top + BOX.bottom) / 2})` }, svg).textContent = 'velocity v';
      const car = el('g', { class: 'map-car', id: `map-${id}-car` }, svg);
      el('circle', { r: 7 }, car);
      const head = document.createElement('figcaption');
      richText(head, title);
      const legend = document.createElement('p');
      legend.className = 'map-legend';
      legend.id = `map-${id}-legend`;
      figure.append(head, svg, legend);
      this.container.appendChild(figure);
      this.maps[id] = { figure, svg, image, car, legend };
    }
    for (const [a, name] of ACTION_NAMES.entries()) {
      const key = document.createElement('span');
      key.className = 'map-key';
      key.style.setProperty('--key', `rgb(${ACTION_COLOURS[a].join(',')})`);
      key.textContent = name;
      this.maps.greedy.legend.append(key, ' ');
    }
  }

  render(state) {
    const cfg = state.session && state.session.config;
    if (!isControl(cfg)) return;
    if (!this.maps) this.build();
    this._car(state.counters.car);
    const v = state.values;
    const tc = state.compare && state.compare.of === state.session.id && state.compare.values ? state.compare : null;
    const key = v && v.q_hat ? `${state.session.id}/${v.version}/${tc ? tc.version : '-'}` : 'none';
    if (key === this.drawn) return;
    this.drawn = key;
    if (key === 'none') {
      setText(this.caption, '');
      return;
    }
    const n = v.position.length;
    const { cost, greedy } = costAndGreedy(v);
    const other = tc ? costAndGreedy(tc.values).cost : null;
    const [lo, hi] = other ? range([...range(cost), ...range(other)]) : range(cost);
    this._tiles(other, n, tc, lo, hi);
    const costUrl = paintCost(cost, n, lo, hi);
    const greedyUrl = paint(n, (i, j) => ACTION_COLOURS[greedy[i * n + j]]);
    const { cost: c, greedy: g } = this.maps;
    setAttr(c.image, 'href', costUrl);
    setAttr(g.image, 'href', greedyUrl);
    setAttr(c.svg, 'data-lo', String(lo));
    setAttr(c.svg, 'data-hi', String(hi));
    setAttr(this.container, 'data-version', String(v.version));
    setAttr(this.container, 'data-step', String(v.step)); // the step whose weights they are
    setText(c.legend, `${other ? 'both maps ' : ''}from ${fmt(lo)} (blue) to ${fmt(hi)} (vermillion)`);
    const counts = [0, 1, 2].map((a) => greedy.filter((x) => x === a).length);
    setAttr(c.svg, 'aria-label', `Cost to go over position and velocity, from ${fmt(lo)} to ${fmt(hi)}.`);
    setAttr(g.svg, 'aria-label', `Greedy action over position and velocity: ${counts.map((k, a) => `${ACTION_NAMES[a]} at ${k}`).join(', ')} of ${n * n} points.`);
    const steps = cfg.environment.gamma === 1 ? ': with R = −1 a step and γ = 1, the steps to the goal the network expects' : '';
    richText(this.caption, `After step ${v.step}, on a ${n} × ${n} grid of (p, v); the dot is the car. ` +
      `The cost to go is −max_{a} q̂(s, a)${steps}.`);
  }

  /** The car's (p, v) on both maps, at every drawing: it moves with every frame. */
  _car(car) {
    for (const [id, { car: mark }] of Object.entries(this.maps)) {
      setAttr(mark, 'display', car && id !== 'tiles' ? 'inline' : 'none'); // the tile coder's car is elsewhere
      if (car) setAttr(mark, 'transform', `translate(${xOf(car.p).toFixed(1)},${yOf(car.v).toFixed(1)})`);
    }
  }

  /** The tile coder's cost to go beside the network's, on the scale lo..hi of both (hidden until compared). */
  _tiles(cost, n, c, lo, hi) {
    const m = this.maps.tiles;
    setProp(m.figure, 'hidden', !cost);
    if (!cost) return;
    setAttr(m.image, 'href', paintCost(cost, n, lo, hi));
    const [own, top] = range(cost);
    setText(m.legend, `after ${c.epoch} episodes: from ${fmt(own)} to ${fmt(top)}, on the network's map's scale`);
    setAttr(m.svg, 'aria-label', `The tile coder's cost to go over position and velocity, from ${fmt(own)} to ${fmt(top)}.`);
    setAttr(m.svg, 'data-lo', String(lo));
    setAttr(m.svg, 'data-hi', String(hi));
  }
}
