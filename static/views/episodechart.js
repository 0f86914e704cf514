/**
 * @fileoverview Control mode's steps per episode, on a log scale, drawn with uPlot as the loss
 * chart is (its look, its decades): each finished episode's length from the state's
 * episode_steps (the last 1,000), and the length at which an episode is cut.
 */

import { setAttr, setText } from '../lib/dom.js';
import { count } from '../lib/format.js';
import { uPlot } from '../lib/libraries.js';
import { Pace } from '../lib/pace.js';
import { CAR, isControl } from '../state/control.js';
import { logLabel, logRange, logSplits } from './losschart.js';

const PLAYING_DRAW_MS = 250;

export class EpisodeChart {
  /** @param {HTMLElement} container  @param {HTMLElement} caption */
  init(container, caption) {
    if (!container || !caption) throw new Error('EpisodeChart needs a container and a caption');
    this.container = container;
    this.caption = caption;
    this.plot = null;
    this.drawn = null;
    this.pace = new Pace(PLAYING_DRAW_MS, (state) => this.render(state));
    new ResizeObserver(() => this.plot && this.plot.setSize(this._size())).observe(container);
    return this;
  }

  _size() {
    return { width: Math.max(300, this.container.clientWidth), height: 200 };
  }

  _create() {
    const axis = { stroke: '#222', grid: { stroke: '#ddd' } };
    const labels = (label) => (u, splits) => splits.map((v) => (v === null ? '' : label(v)));
    const opts = {
      ...this._size(),
      scales: {
        x: { time: false, range: (u, min, max) => (Number.isFinite(min) ? [min, Math.max(max, min + 1)] : [1, 2]) },
        y: { distr: 3, range: (u, min, max) => logRange(u, min, Math.max(max, CAR.MAX_STEPS)) },
      },
      axes: [
        { ...axis, label: 'episode', values: labels(count), incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] },
        { ...axis, label: 'steps (log scale)', size: 70, splits: logSplits, filter: (u, s) => s, values: labels(logLabel) },
      ],
      series: [
        { label: 'episode' },
        { label: 'steps of the episode', stroke: '#0072B2', width: 2, points: { show: true, size: 6, fill: '#0072B2' } },
        { label: `cut at ${count(CAR.MAX_STEPS)} steps`, stroke: '#D55E00', width: 1.5, dash: [8, 4], points: { show: false } },
      ],
      legend: { live: false },
    };
    this.plot = new (uPlot())(opts, [[], [], []], this.container);
  }

  render(state) {
    const cfg = state.session && state.session.config;
    if (!isControl(cfg) || !uPlot()) return;
    if (!this.plot) this._create();
    const steps = state.counters.episodeSteps || [];
    const key = `${state.session.id}/${state.counters.epoch}/${steps.length}`;
    if (key === this.drawn || !this.pace.due(state)) return;
    this.drawn = key;
    const first = state.counters.epoch - steps.length + 1; // the episodes kept are the latest
    const xs = steps.map((_, i) => first + i);
    this.plot.setData([xs, steps, xs.map(() => CAR.MAX_STEPS)]);
    setAttr(this.container, 'data-points', String(steps.length));
    if (!steps.length) {
      setText(this.caption, 'No episode finished yet: an episode ends when the car reaches the goal.');
      return;
    }
    const last = steps[steps.length - 1];
    const recent = steps.slice(-10);
    const best = Math.min(...recent);
    setText(this.caption, `Episode ${count(state.counters.epoch)} took ${count(last)} steps; the fewest of the last ` +
      `${recent.length}: ${count(best)}.`);
  }
}
