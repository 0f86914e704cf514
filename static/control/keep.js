/**
 * @fileoverview The run a tab keeps across a reload: when the page goes away
 * it writes down its session, the step and phase on show, the loss chart, the
 * play speeds and a lesson's stop in the tab's sessionStorage (its own, so two tabs keep two
 * runs); the next start of the tab takes them back from there, at the same
 * step and phase, paused.  A run the server no longer has is said to be gone,
 * and a fresh one with the same settings starts in its place.
 */

import { ApiError, api } from '../api.js';
import { count } from '../lib/format.js';
import { tabStorage } from '../lib/storage.js';
import { recreatingConfig } from '../state/config.js';
import { state } from '../state/store.js';
import { chartValue } from '../state/td.js';
import { adopt, createSession, showTrace } from './session.js';

const KEPT = 'backprop-run'; // sessionStorage: this tab's run while the page is away

// Read at the start and taken out of the tab's storage: a tab duplicated while this page is
// open gets no copy of it (two pages would drive one run); written back if the page goes
// away again before it has a session.
let unclaimed = null;

/** The run this tab kept when its page went away, or null. */
export function keptRun() {
  try {
    unclaimed = JSON.parse(tabStorage.getItem(KEPT) || 'null');
  } catch {
    unclaimed = null;
  }
  tabStorage.removeItem(KEPT);
  return unclaimed;
}

/** The page as it is, to be taken back: the whole of it, else without what is largest. */
function records() {
  const s = state;
  const run = {
    id: s.session.id, config: s.session.config, step: s.counters.step,
    play: { rate: s.play.rate, stepsPerFrame: s.play.stepsPerFrame }, log: s.chart.log,
    stops: s.stops, lesson: s.stops ? s.lesson : undefined, // a lesson paced here, at its stop
  };
  const chart = { step: s.chart.step, sample: s.chart.sample, mean: s.chart.mean };
  return [{ ...run, phase: s.phase, trace: s.trace, chart }, { ...run, chart }, run];
}

/** The page goes away (a reload, a tab closed): write down its run, as much as the tab's storage holds. */
export function keepRun() {
  if (!state.session || !state.session.id) {
    if (unclaimed) tabStorage.setItem(KEPT, JSON.stringify(unclaimed));
    return;
  }
  for (const record of records()) {
    try {
      tabStorage.setItem(KEPT, JSON.stringify(record));
      return;
    } catch {
      // past the storage's quota (a large network's trace): try with less
    }
  }
}

/** What the notice line says when the kept run is gone. */
export function goneNotice(kept) {
  const env = kept.config.environment;
  const name = env ? (env.name === 'mountain_car' ? 'Mountain Car' : 'the random walk') : kept.config.dataset || 'your own data';
  return `The run this tab had (step ${count(kept.step)} on ${name}) is gone: the server no longer has it ` +
    '(it expired, or the server restarted), so this is a fresh run with the same settings, at step 0.';
}

/**
 * Go on with the kept run: its session as the server has it, and, when the server is still at
 * the step that was on show, that step's trace at the same phase and the chart as it was.
 * A session the server no longer has is replaced by a fresh one (false); other errors are thrown.
 */
export async function resumeRun(kept) {
  let body;
  try {
    body = await api.read(kept.id);
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 404) throw err;
    await createSession(recreatingConfig(kept.config));
    state.notice = goneNotice(kept);
    return false;
  }
  adopt(body);
  Object.assign(state.play, kept.play);
  if (kept.stops) Object.assign(state, { stops: kept.stops, lesson: kept.lesson });
  state.chart.log = kept.log;
  const step = body.state.step;
  if (kept.chart && kept.chart.step.length && kept.chart.step[kept.chart.step.length - 1] <= step) {
    Object.assign(state.chart, kept.chart);
    // Steps the server took after the page last heard of them (frames on their way at the reload).
    if (kept.step < step) addMean(step, chartValue(body.state));
  }
  if (kept.trace && kept.step === step) {
    showTrace(kept.trace);
    state.phase = kept.phase;
  }
  return true;
}

function addMean(step, mean) {
  state.chart.step.push(step);
  state.chart.sample.push(null);
  state.chart.mean.push(mean);
}
