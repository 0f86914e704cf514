/**
 * @fileoverview The server's answers taken into the state: a new session, a
 * step's trace, new weights; and the pictures that need a request of their own
 * afterwards (the fit view's ŷ, TD mode's values).  A class's student page
 * follows the teacher's session through showSession and showTrace, the same
 * state changes, so that a field of the state is reset in one place.
 */

import { api } from '../api.js';
import { byId } from '../lib/dom.js';
import { atMostEvery, latestOnly } from '../lib/latest.js';
import { onScreen } from '../lib/onscreen.js';
import { fitGrid } from '../state/fitgrid.js';
import { appendLosses, clearLosses } from '../state/losses.js';
import { state } from '../state/store.js';
import { chartValue, isEpisodic } from '../state/td.js';
import { reached } from '../state/phases.js';
import { completeTrace } from '../state/trace.js';
import { claimRunBefore, moveComparisons } from './compare.js';
import { render } from './render.js';

/**
 * The session `id` (null: a class's, followed) of `config` on show from its state `s` ({A, B,
 * step, …}): no step on show yet, its data set as D.  The loss history is the caller's.
 */
export function showSession(id, config, s) {
  state.session = { id, config };
  state.A = s.A;
  state.B = s.B;
  state.trace = null;
  state.phase = -1;
  state.quiz = null;
  state.diverged = null;
  state.gradcheck = null;
  setCounters(s);
  const ds = state.datasets.find((d) => d.name === config.dataset);
  state.data = config.data || (ds ? { s: ds.s, y: ds.y } : null);
  state.dataVersion = (state.dataVersion || 0) + 1;
  state.values = null;
}

/** A session as the server answered it ({id, config, state}) becomes the page's session, at its start. */
export function adopt(body) {
  if (state.compare) api.remove(state.compare.id).catch(() => {}); // a comparison belongs to the run it was made for
  state.compare = null;
  claimRunBefore(body);
  showSession(body.id, body.config, body.state);
  state.limits = body.limits || null;
  clearLosses(state.chart, chartValue(body.state));
  refreshFit();
  refreshValues();
}

/** The same run in a new session (the server's answer to an import): the loss history on show is kept. */
export function continueRun(body) {
  if (state.session) moveComparisons(state.session.id, body.id);
  showSession(body.id, body.config, body.state);
  setLimits(body);
  state.fieldErrors = {};
  refreshFit();
  refreshValues();
}

/** What one call may ask of the session on show, as its latest answer says (kept when it says nothing). */
export function setLimits(body) {
  if (body.limits) state.limits = body.limits;
}

/** The top bar's counters from the server's state of the session. */
export function setCounters(s) {
  state.counters = {
    step: s.step, epoch: s.epoch, datasetLoss: s.dataset_loss, nextIndex: s.next_index, rmsve: s.rmsve ?? null,
    // control mode: the car ({p, v, action, t}, null before an episode's first step) and finished episodes' lengths
    car: s.car ?? null, episodeSteps: s.episode_steps ?? null,
  };
}

/** A new session from `config`, in place of the one the page had (which the server may then forget). */
export async function createSession(config) {
  const body = await api.create(config);
  if (state.session) api.remove(state.session.id).catch(() => {});
  adopt(body);
  state.fieldErrors = {};
}

/** A play frame that is not drawn: its losses still join the history, its counters the top bar. */
export function takeLosses(body) {
  setCounters(body.state);
  appendLosses(state.chart, body.state.step, body.losses, chartValue(body.state));
}

/** A step's trace on show: its weights are the current ones, and a check of the weights before it is gone. */
export function showTrace(trace) {
  state.trace = completeTrace(trace, state.session.config);
  // A student's trace holds the updated weights only once their phase is shown.
  state.A = trace.A || trace.A_before;
  state.B = trace.B || trace.B_before;
  state.diverged = null;
  state.gradcheck = null;
}

/** A step's answer (or a play frame) becomes the step on show. */
export function takeTrace(body) {
  showTrace(body.trace);
  takeLosses(body);
  // Playing, the pictures that ask the server again follow at a few a second, not every frame,
  // and only while they are on the screen.
  if (state.play.playing) {
    if (onScreen(byId('fit-canvas'))) playingFit();
    if (onScreen(byId('value-plot')) || onScreen(byId('cost-maps'))) playingValues();
  } else {
    refreshFit();
    refreshValues();
  }
}

/** New weights from the server: the run goes on from them, at the same step. */
export function adoptWeights(body) {
  setLimits(body);
  state.A = body.state.A;
  state.B = body.state.B;
  state.trace = null;
  state.phase = -1;
  state.gradcheck = null;
  setCounters(body.state);
  refreshFit();
  refreshValues();
  render();
}

// The fit view: ŷ on a grid over the input space, from predict.
const refreshFit = latestOnly(async () => {
  const grid = state.session ? fitGrid(state.data) : null;
  if (!grid) {
    state.fit = null;
    return;
  }
  const { y_hat } = await api.predict(state.session.id, grid.s);
  state.fit = { grid, y_hat, version: (state.fit ? state.fit.version : 0) + 1 };
  render();
});

// TD mode's values of every state; control mode's q̂ over a grid of (p, v).
const refreshValues = latestOnly(async () => {
  if (!state.session || !isEpisodic(state.session.config)) return;
  const id = state.session.id;
  const values = await api.values(id);
  if (state.session && state.session.id === id) {
    state.values = { ...values, version: (state.values ? state.values.version : 0) + 1 };
    render();
  }
});

// A class's follower has no session of its own to ask: the class's values, at most once a second
// (a lecture hall of phones asks the server together); none come before the step's updates are
// on show, nor while a question is open (the server refuses, and the last pictures stay).
const FOLLOWER_REFRESH_MS = 1000;
const refreshClassValues = latestOnly(async () => {
  const room = state.classroom;
  const session = state.session;
  if (!room || !session || !isEpisodic(session.config) || !updatesShown()) return; // checked when it runs
  const values = await api.classValues(room.code);
  if (state.classroom === room && state.session === session) { // still the session it asked about
    state.values = { ...values, version: (state.values ? state.values.version : 0) + 1 };
    render();
    // While the teacher plays the class's values may be a second old: ask again for the latest.
    if (values.step < state.counters.step) refreshClassValues();
  }
}, FOLLOWER_REFRESH_MS);

/**
 * A class's follower: the pictures of values follow the session on show (TD and control modes),
 * once the step's updates are on show and no question is open (the server would refuse before).
 */
export function followValues() {
  if (updatesShown()) refreshClassValues();
}

function updatesShown() {
  const quiz = state.classroom && state.classroom.quiz;
  if (quiz && !quiz.revealed) return false;
  const t = state.trace;
  return !t || reached(state, t.tiles ? 'update_B' : 'update_A');
}

// While playing: ŷ over the grid is an answer of tens of kilobytes, drawn anew.
const PLAYING_REFRESH_MS = 250;
const playingFit = atMostEvery(PLAYING_REFRESH_MS, refreshFit);
const playingValues = atMostEvery(PLAYING_REFRESH_MS, refreshValues);
