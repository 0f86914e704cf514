/**
 * @fileoverview The loss against the step: each step's sample loss and the mean
 * loss over D, drawn with uPlot, on a linear or a log scale.  While playing,
 * the chart is drawn anew at most five times a second, always with every loss
 * received so far; the last frame is drawn when play stops.
 */

import { setAttr } from '../lib/dom.js';
import { Pace } from '../lib/pace.js';
import { uPlot } from '../lib/libraries.js';
import { isTD } from '../state/td.js';

const PLAYING_DRAW_MS = 200;

/**
 * uPlot writes each legend value into its text node with every setData, the same "--" while
 * the pointer is away from the chart: this node takes only a value that differs.
 */
function quietText(node) {
  const { get, set } = Object.getOwnPropertyDescriptor(Node.prototype, 'nodeValue');
  Object.defineProperty(node, 'nodeValue', {
    get() {
      return get.call(this);
    },
    set(value) {
      if (get.call(this) !== String(value)) set.call(this, value);
    },
  });
}

export class LossChart {
  /** @param {HTMLElement} container */
  init(container) {
    if (!container) throw new Error('LossChart needs a container');
    this.container = container;
    this.plot = null;
    this.log = null;
    this.drawn = -1;
    this.pace = new Pace(PLAYING_DRAW_MS, (state) => this.render(state));
    // The width the browser reports after laying the chart's box out: never read in render.
    this.width = null;
    new ResizeObserver((entries) => {
      this.width = entries[entries.length - 1].contentRect.width;
      this._resize();
    }).observe(container);
    return this;
  }

  _size() {
    return { width: Math.max(320, this.width ?? 640), height: 220 };
  }

  _resize() {
    if (this.plot) this.plot.setSize(this._size());
  }

  _create(log, td) {
    if (this.plot) this.plot.destroy();
    const positive = (v) => (v === null || (log && v <= 0) ? null : v);
    this.positive = positive;
    const opts = {
      ...this._size(),
      title: '',
      scales: { x: { time: false }, y: log ? { distr: 3 } : { auto: true } },
      axes: [
        { label: 'step', stroke: '#222', grid: { stroke: '#ddd' } },
        { label: `${td ? 'loss, RMSVE' : 'loss'}${log ? ' (log scale)' : ''}`, stroke: '#222', grid: { stroke: '#ddd' }, size: 70 },
      ],
      series: [
        { label: 'step' },
        { label: 'sample loss L', stroke: '#0072B2', width: 1.5 },
        {
          // In TD mode the second line is the RMS value error over all states, against the true values.
          label: td ? 'RMS value error' : 'mean loss over D',
          stroke: '#D55E00',
          width: 2.5,
          dash: [8, 4],
          spanGaps: true,
          points: { show: true, size: 5, fill: '#D55E00' },
        },
      ],
      legend: { live: true },
    };
    this.plot = new (uPlot())(opts, [[], [], []], this.container);
    for (const cell of this.container.querySelectorAll('.u-legend .u-value')) quietText(cell.firstChild);
    this.log = log;
    this.td = td;
  }

  render(state) {
    if (!uPlot()) return; // drawn once the library is in
    const c = state.chart;
    const td = isTD(state.session && state.session.config);
    if (this.log !== c.log || this.td !== td) {
      this._create(c.log, td);
      this.drawn = -1;
    }
    const version = `${c.step.length}/${c.step[c.step.length - 1]}/${c.mean[0]}`;
    if (version === this.drawn || !this.pace.due(state)) return;
    this.drawn = version;
    this.plot.setData([c.step, c.sample.map(this.positive), c.mean.map(this.positive)]);
    setAttr(this.container, 'data-points', String(c.sample.filter((v) => v !== null).length));
  }
}
