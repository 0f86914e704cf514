/**
 * @fileoverview The loss history the chart draws, kept in the state: each
 * step's sample loss and, at the end of each call, the mean loss over D (or
 * the RMS value error in TD mode).  Also its rows as CSV.
 */

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
    // Thin the older half, keeping every point that carries a mean loss.
    const keep = (i) => i % 2 === 0 || chart.mean[i] !== null || i >= chart.step.length / 2;
    for (const key of ['step', 'sample', 'mean']) chart[key] = chart[key].filter((_, i) => keep(i));
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

/** step, sample loss, mean loss over D: one row per step the chart holds. */
export function lossCSV(chart) {
  const rows = ['step,sample_loss,mean_loss'];
  chart.step.forEach((step, i) => {
    const cell = (v) => (v === null || v === undefined ? '' : String(v));
    rows.push(`${step},${cell(chart.sample[i])},${cell(chart.mean[i])}`);
  });
  return `${rows.join('\n')}\n`;
}
