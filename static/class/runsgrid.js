/**
 * @fileoverview The teacher's grid of the class's own runs while it is released:
 * one card a student, under the anonymous tag the server gave it (S1, S2, …),
 * with its step, its mean loss and a sparkline of it, and whether it diverged
 * or changed α.  A card's button spotlights that run: the class watches it,
 * read-only, until "Back to your run" (or Gather).
 */

import { byId, svgEl } from '../lib/dom.js';
import { count, fmt } from '../lib/format.js';
import { isTeacher } from './classstate.js';
import { putProp, putText } from './put.js';

const SPARK_W = 96;
const SPARK_H = 24;

/** A sparkline of `curve` (mean losses, oldest first) on a log scale, or nothing for fewer than two. */
function sparkline(curve) {
  const svg = svgEl('svg', { class: 'class-run-spark', viewBox: `0 0 ${SPARK_W} ${SPARK_H}`, 'aria-hidden': 'true' });
  const points = (curve || []).filter((v) => Number.isFinite(v) && v > 0).map((v) => Math.log10(v));
  if (points.length < 2) return svg;
  const low = Math.min(...points);
  const span = Math.max(...points) - low || 1;
  const at = points.map((v, i) => `${((i / (points.length - 1)) * SPARK_W).toFixed(1)},${(SPARK_H - 2 - ((v - low) / span) * (SPARK_H - 4)).toFixed(1)}`);
  svgEl('polyline', { points: at.join(' '), class: 'class-run-line' }, svg);
  return svg;
}

/** One student's run as its card says it, in words a screen reader reads too. */
function card(run, spotlit) {
  const li = document.createElement('li');
  li.className = 'class-run';
  li.dataset.student = run.student;
  const button = document.createElement('button');
  button.type = 'button';
  button.dataset.spotlight = run.student;
  button.setAttribute('aria-pressed', String(spotlit === run.student));
  button.textContent = spotlit === run.student ? `${run.student}: on the projector` : `Spotlight ${run.student}`;
  const said = document.createElement('span');
  said.className = 'class-run-said';
  const loss = run.loss === null || run.loss === undefined ? 'no step yet' : `loss ${fmt(run.loss)}`;
  said.textContent = `step ${count(run.step)} · ${loss}`;
  li.append(button, said, sparkline(run.curve));
  for (const [flag, text] of [[run.diverged, 'diverged'], [run.alpha_changed, 'α changed']]) {
    if (!flag) continue;
    const mark = document.createElement('span');
    mark.className = 'class-run-flag';
    mark.textContent = text;
    li.append(mark);
  }
  return li;
}

export class RunsGridView {
  /** @param {{spotlight}} on  spotlight(tag, or null for the teacher's own run) */
  init(on) {
    this.panel = byId('class-runs');
    this.grid = byId('class-runs-grid');
    if (!this.panel || !this.grid) throw new Error('RunsGridView needs #class-runs and #class-runs-grid');
    this.grid.addEventListener('click', (event) => {
      const button = event.target.closest('button[data-spotlight]');
      if (button) on.spotlight(button.dataset.spotlight);
    });
    byId('class-spotlight-end').addEventListener('click', () => on.spotlight(null));
    this.drawn = null;
    return this;
  }

  render(state) {
    const c = state.classroom;
    const shown = isTeacher(state) && c.released;
    putProp(this.panel, 'hidden', !shown);
    if (!shown) return;
    const runs = c.runs || [];
    putText('class-runs-count', runs.length
      ? `${count(runs.length)} exploring on their own`
      : 'each student’s run shows here once they take it');
    putText('class-spotlight-text', c.spotlight ? `· The class watches ${c.spotlight}’s run, read-only.` : '');
    putProp(byId('class-spotlight-end'), 'hidden', !c.spotlight);
    const key = JSON.stringify([runs, c.spotlight]);
    if (key === this.drawn) return;
    this.drawn = key;
    this.grid.replaceChildren(...runs.map((run) => card(run, c.spotlight)));
  }
}
