/**
 * @fileoverview Control mode's steps per episode, on a log scale, drawn with uPlot as the loss
 * chart is (its look, its decades): each finished episode's length from the state's
 * episode_steps (the last 1,000), and the length at which an episode is cut; and, once asked
 * for (control/compare.js), the tile coder's on the same seed as a second series; after the
 * replay lesson's switch, the run before it (with replay, or without) as a third.
 */

import { setAttr, setProp, setText } from '../lib/dom.js';
import { count } from '../lib/format.js';
import { uPlot } from '../lib/libraries.js';
import { Pace } from '../lib/pace.js';
import { CAR, isControl, isTiles } from '../state/control.js';
import { logLabel, logRange, logSplits } from './losschart.js';

const PLAYING_DRAW_MS = 250;

export class EpisodeChart {
  /**
   * @param {HTMLElement} container  @param {HTMLElement} caption
   * @param {HTMLButtonElement} button  compares with the tile coder  @param {HTMLElement} note  says how far it is
   */
  init(container, caption, button, note) {
    if (!container || !caption || !button || !note) throw new Error('EpisodeChart needs a container, a caption, a button and a note');
    this.container = container;
    this.caption = caption;
    this.button = button;
    this.note = note;
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
        // Before any episode ends, the decades an episode's length can span (up to its cut).
        y: { distr: 3, range: (u, min, max) => logRange(u, min > 0 ? min : 100, Math.max(max, CAR.MAX_STEPS)) },
      },
      axes: [
        { ...axis, label: 'episode', values: labels(count), incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] },
        { ...axis, label: 'steps (log scale)', size: 70, splits: logSplits, filter: (u, s) => s, values: labels(logLabel) },
      ],
      series: [
        { label: 'episode' },
        { label: 'steps of the episode', stroke: '#0072B2', width: 2, points: { show: true, size: 6, fill: '#0072B2' } },
        { label: `cut at ${count(CAR.MAX_STEPS)} steps`, stroke: '#D55E00', width: 1.5, dash: [8, 4], points: { show: false } },
        { label: 'tile coder', stroke: '#009E73', width: 2, dash: [3, 3], points: { show: true, size: 7, fill: '#009E73' } },
        { label: 'the run before', stroke: '#666', width: 1.5, dash: [2, 4], points: { show: true, size: 5, fill: '#666' } },
      ],
      legend: { live: false },
    };
    this.plot = new (uPlot())(opts, [[], [], [], [], []], this.container);
  }

  render(state) {
    const cfg = state.session && state.session.config;
    if (!isControl(cfg) || !uPlot()) return;
    if (!this.plot) this._create();
    const steps = state.counters.episodeSteps || [];
    const c = state.compare && state.compare.of === state.session.id ? state.compare : null;
    // The run before the replay lesson's switch, from its first episode (one past 1,000 episodes
    // has lost its first: only the caption names it then).
    const earlier = state.runBefore && state.session.id && state.runBefore.of === state.session.id && !isTiles(cfg)
      ? state.runBefore : null;
    const e = earlier && earlier.epoch === earlier.steps.length ? earlier : null;
    this._compare(cfg, c, state.counters.epoch);
    const key = `${state.session.id}/${state.counters.epoch}/${steps.length}/${c ? c.epoch : '-'}/${earlier ? earlier.epoch : '-'}`;
    if (key === this.drawn || !this.pace.due(state)) return;
    this.drawn = key;
    // Each run's kept episodes are its latest (1,000 at most): by number, on one axis.
    const runs = [[state.counters.epoch, steps], c && [c.epoch, c.steps], e && [e.epoch, e.steps]]
      .map((run) => (run && run[1].length ? { first: run[0] - run[1].length + 1, steps: run[1] } : null));
    const shown = runs.filter(Boolean);
    const lo = Math.min(...shown.map((r) => r.first));
    const hi = Math.max(...shown.map((r) => r.first + r.steps.length - 1));
    const xs = shown.length ? Array.from({ length: hi - lo + 1 }, (_, i) => lo + i) : [];
    const [mine, tiles, before] = runs.map((r) => xs.map((x) => (r && x >= r.first && x - r.first < r.steps.length ? r.steps[x - r.first] : null)));
    this.plot.setData([xs, mine, xs.map(() => CAR.MAX_STEPS), tiles, before]);
    // The legend names the tile coder and the run before only when they are drawn.
    for (const row of this.plot.root.querySelectorAll('.u-legend .u-series')) {
      const label = row.textContent.trim();
      if (label === 'tile coder') row.style.display = c ? '' : 'none';
      if (label === 'the run before') row.style.display = e ? '' : 'none';
    }
    setAttr(this.container, 'data-points', String(steps.length));
    setAttr(this.container, 'data-compare-points', String(tiles.filter((v) => v !== null).length));
    setAttr(this.container, 'data-before-points', String(before.filter((v) => v !== null).length));
    const beforeText = earlier ? ` The run before, with ${earlier.label}${e ? ' (grey, dotted)' : ' (its first episodes not kept, not drawn)'}: ` +
      `${count(earlier.epoch)} episode${earlier.epoch === 1 ? '' : 's'}, the fewest steps of its last ` +
      `${Math.min(10, earlier.steps.length)}: ${count(Math.min(...earlier.steps.slice(-10)))}.` : '';
    if (!steps.length) {
      setText(this.caption, `No episode finished yet: an episode ends when the car reaches the goal.${beforeText}`);
      return;
    }
    const last = steps[steps.length - 1];
    const recent = steps.slice(-10);
    const best = Math.min(...recent);
    setText(this.caption, `Episode ${count(state.counters.epoch)} took ${count(last)} steps; the fewest of the last ` +
      `${recent.length}: ${count(best)}.${beforeText}`);
  }

  /** The comparison's button (not with the tile coder on show: it is the tile coder) and how far it is. */
  _compare(cfg, c, episodes) {
    setProp(this.button.parentElement, 'hidden', isTiles(cfg));
    let text = 'The course’s tile coder on the same seed, agent, ε and γ, as a second series and a map.';
    if (c) text = c.epoch < episodes ? `The tile coder: ${count(c.epoch)} of ${count(episodes)} episodes…` :
      `The tile coder (green, dotted) after ${count(c.epoch)} episodes, on the same seed; press again after more episodes.`;
    setText(this.note, text);
  }
}
