/**
 * @fileoverview The loss history the chart draws, kept in the state: each
 * step's sample loss and, at the end of each call, the mean loss over D (or
 * the RMS value error in TD mode).  What of the newest step is on show while
 * it is walked through phase by phase.  Also its rows as CSV.
 */

import { reached } from './phases.js';

const MAX_POINTS = 8000; // past this the history is thinned to every other point

/** Append one call's losses to the chart series in `chart` (part of the state). */
export function appendLosses(chart, lastStep, losses, meanLoss) {
  const first = lastStep - losses.length + 1;
  losses.forEach((loss, n) => {
    chart.step.push(first + n);
    chart.sample.push(loss);
    chart.mean.push(n === losses.length - 1 ? meanLoss : null);
  });
  if (chart.step.length > MAX_POINTS) {
    // Thin the older half, keeping every point that carries a mean loss: one mask for the three
    // series, so that they stay aligned.
    const half = chart.step.length / 2;
    const keep = chart.mean.map((mean, i) => i % 2 === 0 || mean !== null || i >= half);
    for (const key of ['step', 'sample', 'mean']) chart[key] = chart[key].filter((_, i) => keep[i]);
  }
}

/** Start the series over (a new session or a reset), with the mean loss at step 0. */
export function clearLosses(chart, meanLoss) {
  chart.step = [0];
  chart.sample = [null];
  chart.mean = [meanLoss];
}

/**
 * The points of `curve` ({step, loss}: a run's losses as a class's snapshot carries them,
 * perhaps thinned) after the chart's last step, the mean loss `meanLoss` on the last one.
 */
export function addCurve(chart, curve, meanLoss) {
  const last = chart.step.length ? chart.step[chart.step.length - 1] : -1;
  let added = false;
  curve.step.forEach((step, i) => {
    if (step <= last) return;
    chart.step.push(step);
    chart.sample.push(curve.loss[i]);
    chart.mean.push(null);
    added = true;
  });
  if (added) chart.mean[chart.mean.length - 1] = meanLoss;
}

/**
 * What of the step on show the page may tell yet, so that "what will the loss do?" is not
 * answered before its phase: the sample's loss once the phase L is shown, the mean loss over D
 * after the step once an update is.  Before a step, or with a step shown whole (Step, Epoch,
 * Play show its last phase), everything.
 */
export function newestShown(state) {
  return { sample: !state.trace || reached(state, 'loss'), mean: !state.trace || reached(state, 'update_B') };
}

/**
 * The mean loss over D (the RMS value error in TD mode) of the weights before step `step`: the
 * chart's last one at an earlier step; null when it has none.
 */
export function meanBefore(chart, step) {
  for (let i = chart.step.length - 1; i >= 0; i--) {
    if (chart.step[i] < step && chart.mean[i] !== null) return chart.mean[i];
  }
  return null;
}

/**
 * The mean loss the page shows: `after` the step on show, or the one before it until its update
 * is shown (null, not a spoiler, when the chart has none).
 */
export function shownMean(state, after) {
  return newestShown(state).mean ? after : meanBefore(state.chart, state.counters.step);
}

/** step, sample loss, mean loss over D: one row per step the chart holds. */
export function lossCSV(chart) {
  const rows = ['step,sample_loss,mean_loss'];
  chart.step.forEach((step, i) => {
    const cell = (v) => (v === null || v === undefined ? '' : String(v));
    rows.push(`${step},${cell(chart.sample[i])},${cell(chart.mean[i])}`);
  });
  return `${rows.join('\n')}\n`;
}
