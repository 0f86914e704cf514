/**
 * @fileoverview Control mode's car on its hill: the height sin 3p over the track's range,
 * the goal's flag, the car where it is and an arrow for the throttle of the action it took.
 * Built once with stable ids, then only moved: playing, every drawn frame moves the car.
 */

import { mark, setAttr, setText, svgEl as el } from '../lib/dom.js';
import { fmt } from '../lib/format.js';
import { ACTION_NAMES, ACTION_WORDS, CAR, hill, isControl } from '../state/control.js';

const W = 1000;
const H = 260;
const PAD = { left: 40, right: 40, top: 50, bottom: 50 };
const CAR_W = 46;
const CAR_H = 20;
const WHEEL = 7;
const ARROW = 62; // the throttle arrow's length

/** x on the drawing of a position p. */
function xOf(p) {
  const [p0, p1] = CAR.POSITION;
  return PAD.left + ((p - p0) / (p1 - p0)) * (W - PAD.left - PAD.right);
}

/** y on the drawing of a height in [−1, 1]. */
function yOf(h) {
  return PAD.top + ((1 - h) / 2) * (H - PAD.top - PAD.bottom);
}

export class CarView {
  /** @param {HTMLElement} container  @param {HTMLElement} words  where the car is, in words */
  init(container, words) {
    if (!container || !words) throw new Error('CarView needs a container and a line for its words');
    this.container = container;
    this.words = words;
    this.svg = null;
    return this;
  }

  build() {
    const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, id: 'car-svg', role: 'img' });
    this.container.replaceChildren(svg);
    this.svg = svg;
    const defs = el('defs', {}, svg);
    const marker = el('marker', { id: 'car-arrow', viewBox: '0 0 10 10', refX: 8, refY: 5, markerWidth: 4, markerHeight: 4, orient: 'auto' }, defs);
    el('path', { d: 'M0,0 L10,5 L0,10 z', class: 'car-arrow-head' }, marker);
    const [p0, p1] = CAR.POSITION;
    const points = [];
    for (let i = 0; i <= 120; i++) {
      const p = p0 + ((p1 - p0) * i) / 120;
      points.push(`${xOf(p).toFixed(1)},${yOf(hill(p)).toFixed(1)}`);
    }
    el('path', { d: `M${points.join(' L')} L${xOf(p1)},${H - PAD.bottom + 18} L${xOf(p0)},${H - PAD.bottom + 18} Z`, class: 'car-ground' }, svg);
    el('path', { d: `M${points.join(' L')}`, class: 'car-road' }, svg);
    // The ends' labels run inwards from their ends: a phone's larger type stays on the drawing.
    for (const [p, x, anchor] of [[p0, 4, 'start'], [-0.5, xOf(-0.5), 'middle'], [0, xOf(0), 'middle'], [p1, W - 4, 'end']]) {
      el('text', { x, y: H - 8, 'text-anchor': anchor, class: 'car-tick' }, svg).textContent = `p = ${p}`;
    }
    const goal = xOf(CAR.GOAL);
    const top = yOf(hill(CAR.GOAL));
    el('line', { x1: goal, y1: top, x2: goal, y2: top - 40, class: 'car-pole' }, svg);
    el('path', { d: `M${goal},${top - 40} L${goal - 34},${top - 31} L${goal},${top - 22} Z`, class: 'car-flag', id: 'car-goal' }, svg);
    el('text', { x: goal - 40, y: top - 26, 'text-anchor': 'end', class: 'car-goal-label' }, svg).textContent = 'goal';
    this.car = el('g', { class: 'car', id: 'car' }, svg);
    el('rect', { x: -CAR_W / 2, y: -CAR_H - WHEEL, width: CAR_W, height: CAR_H, rx: 5, class: 'car-body' }, this.car);
    for (const x of [-CAR_W / 3, CAR_W / 3]) el('circle', { cx: x, cy: -WHEEL, r: WHEEL, class: 'car-wheel' }, this.car);
    this.arrow = el('line', { class: 'car-throttle', id: 'car-throttle', 'marker-end': 'url(#car-arrow)' }, svg);
  }

  render(state) {
    const cfg = state.session && state.session.config;
    if (!isControl(cfg)) return;
    if (!this.svg) this.build();
    const tr = state.trace && state.trace.transition;
    const car = state.counters.car;
    // Where the car is: after the step on show (at the goal when it ended the episode).
    const at = car ? { p: car.p, v: car.v } : tr ? { p: tr.next_state[0], v: tr.next_state[1] } : null;
    mark(this.car, 'shown', Boolean(at));
    mark(this.arrow, 'shown', Boolean(at && tr && tr.action !== 1));
    if (!at) {
      setText(this.words, 'The car starts at rest at p between −0.6 and −0.4 with the next step.');
      setAttr(this.svg, 'aria-label', 'Mountain Car: the hill, the goal on the right; the car is not placed yet.');
      delete this.svg.dataset.p; // quiet when it has none
      return;
    }
    const x = xOf(at.p);
    const y = yOf(hill(at.p));
    // The car sits on the slope: tilted by the hill's angle on the drawing.
    const [p0, p1] = CAR.POSITION;
    const slope = (3 * Math.cos(3 * at.p) * (H - PAD.top - PAD.bottom)) / 2 / ((W - PAD.left - PAD.right) / (p1 - p0));
    const angle = (-Math.atan(slope) * 180) / Math.PI;
    setAttr(this.car, 'transform', `translate(${x.toFixed(1)},${y.toFixed(1)}) rotate(${angle.toFixed(1)})`);
    setAttr(this.svg, 'data-p', String(at.p));
    setAttr(this.svg, 'data-x', x.toFixed(1));
    if (tr && tr.action !== 1) {
      const dir = tr.action - 1;
      const y0 = y - CAR_H - WHEEL - 14;
      setAttr(this.arrow, 'x1', (x - (dir * CAR_W) / 4).toFixed(1));
      setAttr(this.arrow, 'x2', (x + dir * ARROW).toFixed(1));
      setAttr(this.arrow, 'y1', y0.toFixed(1));
      setAttr(this.arrow, 'y2', y0.toFixed(1));
    }
    const t = car ? car.t : state.trace.index + 1;
    const what = tr ? `, last action: ${ACTION_WORDS[tr.action]}${tr.terminal ? ', reached the goal' : ''}` : '';
    setText(this.words, `p = ${fmt(at.p)}, v = ${fmt(at.v)} · move ${t}${tr ? ` · A = ${ACTION_NAMES[tr.action]}` : ''}${tr && tr.terminal ? ' · the goal!' : ''}`);
    setAttr(this.svg, 'aria-label', `Mountain Car: the car at p = ${fmt(at.p)} with velocity ${fmt(at.v)}${what}.`);
  }
}
