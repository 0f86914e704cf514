/**
 * @fileoverview TD mode's value plot: the network's v̂ of every state against
 * the true values v, drawn with uPlot.  The numbers come from the server's
 * values endpoint (the state's `values`); this view only draws.
 */

import { uPlot } from '../lib/libraries.js';
import { setAttr, setText } from '../lib/dom.js';
import { fmt } from '../lib/format.js';
import { isTD } from '../state/td.js';

const MARK_ALL = 60; // up to this many states, each v̂ gets a point

export class ValuePlot {
  /** @param {HTMLElement} container  @param {HTMLElement} caption */
  init(container, caption) {
    if (!container || !caption) throw new Error('ValuePlot needs a container and a caption');
    this.container = container;
    this.caption = caption;
    this.plot = null;
    this.states = null;
    this.drawn = null;
    new ResizeObserver(() => this.plot && this.plot.setSize(this._size())).observe(container);
    return this;
  }

  _size() {
    return { width: Math.max(320, this.container.clientWidth), height: 240 };
  }

  _create(states) {
    if (this.plot) this.plot.destroy();
    const opts = {
      ...this._size(),
      scales: {
        x: { time: false },
        // Always show −1 … +1, the range of the true values, and more when v̂ strays past it.
        y: { range: (u, lo, hi) => [Math.min(-1.05, lo), Math.max(1.05, hi)] },
      },
      axes: [
        { label: 'state', stroke: '#222', grid: { stroke: '#ddd' } },
        { label: 'value', stroke: '#222', grid: { stroke: '#ddd' }, size: 56 },
      ],
      series: [
        { label: 'state' },
        { label: 'v̂ (network)', stroke: '#0072B2', width: 2.5, points: { show: states <= MARK_ALL, size: 6, fill: '#0072B2' } },
        { label: 'v (true)', stroke: '#D55E00', width: 2, dash: [8, 4], points: { show: false } },
      ],
      legend: { live: false },
    };
    this.plot = new (uPlot())(opts, [[], [], []], this.container);
    this.states = states;
  }

  render(state) {
    const cfg = state.session && state.session.config;
    if (!isTD(cfg) || !uPlot()) return;
    const n = cfg.environment.states;
    if (n !== this.states) {
      this._create(n);
      this.drawn = null;
    }
    const v = state.values;
    const key = v ? `${state.session.id}/${v.version}` : 'none';
    if (key === this.drawn) return;
    this.drawn = key;
    if (!v || v.v_hat.length !== n) {
      this.plot.setData([[], [], []]);
      setText(this.caption, '');
      return;
    }
    const xs = Array.from({ length: n }, (_, i) => i + 1);
    this.plot.setData([xs, v.v_hat, v.v_true]);
    setAttr(this.container, 'data-version', String(v.version));
    setAttr(this.container, 'data-rmsve', String(v.rmsve));
    setText(this.caption,
      `RMS value error √(mean over the ${n} states of (v̂ − v)²) = ${fmt(v.rmsve)} after step ${v.step}. ` +
      'The true values v come from the Bellman equations, solved exactly.');
  }
}
