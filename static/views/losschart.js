/**
 * @fileoverview The loss against the step: each step's sample loss (before its
 * update) and the mean loss over D (after it), drawn with uPlot, on a linear or
 * a log scale (in TD mode the RMS value error, in control mode the mean cost to go, in the
 * mean's place).  While playing, the chart is drawn anew at most five times a
 * second, always with every loss received so far; the last frame is drawn when
 * play stops.  While a step is walked through phase by phase, its losses join
 * the chart at the phases that compute them.
 */

import { setAttr } from '../lib/dom.js';
import { count, fmt } from '../lib/format.js';
import { Pace } from '../lib/pace.js';
import { uPlot } from '../lib/libraries.js';
import { newestShown } from '../state/losses.js';
import { isControl } from '../state/control.js';
import { isTD } from '../state/td.js';

// The second line's name and the y axis's, by what the session learns (the mode's `kind`).
const MEAN = {
  data: ['mean loss over D', 'loss'],
  td: ['RMS value error of v̂', 'loss, RMSVE'],
  control: ['mean cost to go −max q̂ over (p, v)', 'L, cost to go'],
};
const kindOf = (config) => (isTD(config) ? 'td' : isControl(config) ? 'control' : 'data');

const PLAYING_DRAW_MS = 200;
const TREND_POINTS = 10; // the text alternative's trend: over this many of the newest mean losses
const FLAT = 0.01; // a relative change smaller than this is no trend

/** 10^e, exactly as written (10 ** -5 is not 1e-5 in floating point). */
const decade = (e) => Number(`1e${e}`);

// The log scale's floor: a smaller loss, 0 and subnormal numbers included, is drawn on it, and its
// tick says "≤". The log scale's range and ticks are whole decades of our own: uPlot's, from a
// range that starts off a decade far below 1 (XOR reaches 1e-31), looped until "Invalid array
// length", the page frozen some 15 s and the chart stopped for good.
const FLOOR_EXP = -12;
const FLOOR = decade(FLOOR_EXP);
const MAX_EXP = 308; // 1e309 is Infinity
const PLOT_PX = 210; // the chart's height
const SHORT_PLOT_PX = 150; // on a short screen
const SHORT_SCREEN = '(max-height: 820px)';
const LOG_TICK_PX = 24; // the height a log tick's label needs

// Whole steps only on the step axis: 1, 2, 5, 10, 20, 50, … (never 0.5).
const STEP_INCRS = Array.from({ length: 16 }, (_, e) => [1, 2, 5].map((m) => m * 10 ** e)).flat();

/** A log tick's label: plain from 0.001 to 1000, else 1e-12; the floor's says that it holds less too. */
export function logLabel(v) {
  if (v === FLOOR) return `≤1e${FLOOR_EXP}`;
  const e = Math.floor(Math.log10(v) + 1e-9);
  return e >= -3 && e <= 3 ? String(v) : v.toExponential().replace('e+', 'e');
}

/** The log scale's range: whole decades around the losses drawn (each at least the floor). */
export function logRange(u, min, max) {
  if (!(min > 0 && max > 0)) return [decade(-2), 1]; // nothing drawn yet
  let lo = Math.max(FLOOR_EXP, Math.floor(Math.log10(min) + 1e-9));
  let hi = Math.min(MAX_EXP, Math.ceil(Math.log10(max) - 1e-9));
  if (hi <= lo) [lo, hi] = lo > FLOOR_EXP ? [lo - 1, lo + 1] : [lo, lo + 1];
  return [decade(lo), decade(hi)];
}

/**
 * The log scale's ticks: every decade in the range, or every second, third… when they would
 * crowd; 2 and 5 of each decade too when the range spans one or two.  At most 321 decades.
 */
export function logSplits(u, axisIdx, min, max) {
  const lo = Math.ceil(Math.log10(min) - 1e-9);
  const hi = Math.floor(Math.log10(max) + 1e-9);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  const room = Math.max(2, Math.floor(u.bbox.height / devicePixelRatio / LOG_TICK_PX));
  const every = Math.ceil((hi - lo + 1) / room);
  if (hi - lo <= 2) {
    const splits = [];
    for (let e = lo; e <= hi; e += 1) splits.push(decade(e), ...(e < hi ? [2 * decade(e), 5 * decade(e)] : []));
    return splits;
  }
  // The top decade and the bottom one (the floor, on a log scale that reaches it) are always labelled.
  const exps = [];
  for (let e = hi; e > lo; e -= every) exps.push(e);
  if (exps.length > 1 && exps[exps.length - 1] - lo < every / 2) exps.pop();
  exps.push(lo);
  return exps.reverse().map(decade);
}

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
    this.raw = [[], [], []]; // the losses drawn, before the log scale's floor: the legend reads them
    this.pace = new Pace(PLAYING_DRAW_MS, (state) => this.render(state));
    // The chart's text alternative, for those who cannot see it: written with each drawing.
    this.summary = document.createElement('p');
    this.summary.id = `${container.id || 'loss-chart'}-summary`;
    this.summary.className = 'visually-hidden';
    this.summary.textContent = 'No steps taken yet.';
    container.appendChild(this.summary);
    container.setAttribute('role', 'figure');
    container.setAttribute('aria-label', 'Loss against the step');
    container.setAttribute('aria-describedby', this.summary.id);
    // The width the browser reports after laying the chart's box out: never read in render.
    this.width = null;
    this.short = window.matchMedia(SHORT_SCREEN);
    this.short.addEventListener('change', () => this._resize());
    new ResizeObserver((entries) => {
      this.width = entries[entries.length - 1].contentRect.width;
      this._resize();
    }).observe(container);
    return this;
  }

  _size() {
    // A short screen (a projector's 720 rows) gives the equations above the chart the room it saves.
    return { width: Math.max(320, this.width ?? 640), height: this.short.matches ? SHORT_PLOT_PX : PLOT_PX };
  }

  _resize() {
    if (this.plot) this.plot.setSize(this._size());
  }

  _create(log, kind) {
    if (this.plot) this.plot.destroy();
    // On the log scale a loss below the floor (0 too) is drawn on it; the legend gives the loss itself.
    this.drawable = log ? (v) => (v === null ? null : v < FLOOR ? FLOOR : v) : (v) => v;
    const value = (u, v, series, i) => (v === null || i === null ? '—' : fmt(this.raw[series][i]));
    const labels = (label) => (u, splits) => splits.map((v) => (v === null ? '' : label(v)));
    const axis = { stroke: '#222', grid: { stroke: '#ddd' } };
    const opts = {
      ...this._size(),
      title: '',
      scales: {
        x: { time: false, range: (u, min, max) => (Number.isFinite(min) ? [min, Math.max(max, min + 1)] : [0, 1]) },
        y: log ? { distr: 3, range: logRange } : { auto: true },
      },
      axes: [
        { ...axis, label: 'step', incrs: STEP_INCRS, values: labels(count) },
        {
          ...axis,
          label: `${MEAN[kind][1]}${log ? ' (log scale)' : ''}`,
          size: 70,
          ...(log ? { splits: logSplits, filter: (u, splits) => splits, values: labels(logLabel) } : {}),
        },
      ],
      series: [
        { label: 'step' },
        { label: 'loss L of the step’s sample, before its update', stroke: '#0072B2', width: 1.5, value },
        {
          // In TD mode the second line is the RMS value error over all states, against the true values.
          label: `${MEAN[kind][0]}, after the step’s update`,
          stroke: '#D55E00',
          width: 2.5,
          dash: [8, 4],
          spanGaps: true,
          points: { show: true, size: 5, fill: '#D55E00' },
          value,
        },
      ],
      legend: { live: true },
    };
    this.plot = new (uPlot())(opts, [[], [], []], this.container);
    for (const cell of this.container.querySelectorAll('.u-legend .u-value')) quietText(cell.firstChild);
    this.log = log;
    this.kind = kind;
  }

  render(state) {
    if (!uPlot()) return; // drawn once the library is in
    const c = state.chart;
    const kind = kindOf(state.session && state.session.config);
    if (this.log !== c.log || this.kind !== kind) {
      this._create(c.log, kind);
      this.drawn = -1;
    }
    const shown = newestShown(state);
    const version = `${c.step.length}/${c.step[c.step.length - 1]}/${c.mean[0]}/${shown.sample}/${shown.mean}`;
    if (version === this.drawn || !this.pace.due(state)) return;
    this.drawn = version;
    // The step on show keeps its losses off the chart until the phases that compute them.
    const newest = shown.sample && shown.mean ? -1 : c.step.lastIndexOf(state.counters.step);
    const sample = newest >= 0 && !shown.sample ? withNull(c.sample, newest) : c.sample;
    const mean = newest >= 0 && !shown.mean ? withNull(c.mean, newest) : c.mean;
    this.raw = [c.step, sample, mean];
    this.plot.setData([c.step, sample.map(this.drawable), mean.map(this.drawable)]);
    setAttr(this.container, 'data-points', String(c.sample.filter((v) => v !== null).length));
    const text = describe(c.step, sample, mean, kind);
    if (this.summary.textContent !== text) this.summary.textContent = text;
  }
}

/**
 * The chart in words: the newest step drawn, its losses, and whether the mean loss fell or rose
 * over the newest TREND_POINTS of it.
 */
function describe(steps, sample, mean, kind) {
  const meanName = MEAN[kind][0];
  let i = steps.length - 1;
  while (i >= 0 && sample[i] === null && mean[i] === null) i--;
  if (i < 0) return 'No steps taken yet.';
  const known = (v, name) => (v === null || v === undefined ? `${name} not computed yet` : `${name} ${fmt(v)}`);
  let text = `Step ${count(steps[i])}: ${known(sample[i], 'loss of its sample')}, ${known(mean[i], meanName)}.`;
  const recent = mean.filter((v) => v !== null).slice(-TREND_POINTS);
  if (recent.length >= 2) {
    const [first, last] = [recent[0], recent[recent.length - 1]];
    const change = (last - first) / Math.max(Math.abs(first), 1e-300);
    const trend = Math.abs(change) < FLAT ? 'flat' : change < 0 ? 'falling' : 'rising';
    text += ` Over the last ${recent.length} points the ${meanName} is ${trend}, from ${fmt(first)} to ${fmt(last)}.`;
  }
  return text;
}

/** A copy of `values` with the one at `i` left out. */
function withNull(values, i) {
  const copy = values.slice();
  copy[i] = null;
  return copy;
}
