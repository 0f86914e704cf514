/**
 * @fileoverview The page's one state object, the phases of a step, and the
 * helpers that read the trace.  Every view renders from `state` alone.
 */

import { adamBefore, isTD, nextTDSample } from './td.js';

/**
 * The phases of one SGD step, in the slides' order.  `line` is the line of
 * the slides' pseudo-code that the phase belongs to.
 */
export const PHASES = [
  { id: 'psi', title: 'Forward: ψ = sA', line: 'forward' },
  { id: 'x', title: 'Forward: x = f_{A}(ψ)', line: 'forward' },
  { id: 'theta', title: 'Forward: θ = xB', line: 'forward' },
  { id: 'y_hat', title: 'Forward: ŷ = f_{B}(θ)', line: 'forward' },
  { id: 'loss', title: 'Loss L(ŷ, y)', line: 'forward' },
  { id: 'delta_B', title: 'Backward: δ^{B}', line: 'delta_B' },
  { id: 'grad_B', title: 'Backward: ∇_{B}', line: 'grad_B' },
  { id: 'update_B', title: 'Update B', line: 'update_B' },
  { id: 'delta_A', title: 'Backward: δ^{A}', line: 'delta_A' },
  { id: 'grad_A', title: 'Backward: ∇_{A}', line: 'grad_A' },
  { id: 'update_A', title: 'Update A', line: 'update_A' },
];

export const LAST_PHASE = PHASES.length - 1;

/** A fresh state object; `config` is what the settings form holds. */
export function initialState() {
  return {
    datasets: [],
    config: {},
    data: null, // D of the session: {s: [[…]], y: [[…]]}
    session: null, // {id, config} as the server answered
    A: null, // current weights (after the last step)
    B: null,
    trace: null, // the last step's trace, completed by completeTrace
    phase: -1, // index into PHASES of what is shown; -1 = before the first step
    counters: { step: 0, epoch: 0, datasetLoss: null, nextIndex: 0 },
    diverged: null, // {message, advice} after a refused step
    notice: null, // a line of news for the learner (e.g. a restarted session)
    fieldErrors: {}, // settings field -> the server's message
    chart: { step: [], sample: [], mean: [], meanStep: [], log: false },
    play: { playing: false, rate: 20, stepsPerFrame: 1 },
    quizMode: false,
    quiz: null, // the question waiting for a guess, or answered: {phaseIndex, label, value, guess}
    presenter: false,
    fit: null, // {grid, y_hat, version}: ŷ over the input space, from predict
    gradcheck: null, // the server's last gradient check
    source: null, // the core's source for one step, with the lines of each phase
    dataVersion: 0, // bumped whenever D changes (a new session, an edited sample)
    values: null, // TD mode: {v_hat, v_true, rmsve, step} of every state, from the values endpoint
  };
}

/** Index of a phase by id. */
export function phaseIndex(id) {
  return PHASES.findIndex((p) => p.id === id);
}

/** Has the shown phase reached `id`? (false before any step) */
export function reached(state, id) {
  return state.trace !== null && state.phase >= phaseIndex(id);
}

function outer(u, v) {
  return u.map((a) => v.map((b) => a * b));
}

function addScaled(M, alpha, G) {
  return M.map((row, i) => row.map((m, j) => m + alpha * G[i][j]));
}

/**
 * Fill in what a compact trace (from a play frame) leaves out: the gradients
 * are outer products and the weights before the step follow from the update.
 */
export function completeTrace(trace, config) {
  const t = { ...trace };
  if (!t.grad_B) t.grad_B = outer(t.x, t.delta_B);
  if (!t.grad_A) t.grad_A = outer(t.s, t.delta_A);
  const a = t.adam;
  if (!t.B_before) {
    t.B_before = a ? adamBefore(t.B, a.m_B, a.v_B, a.t, config.alpha_B, config.epsilon) : addScaled(t.B, config.alpha_B, t.grad_B);
  }
  if (!t.A_before) {
    t.A_before = a ? adamBefore(t.A, a.m_A, a.v_A, a.t, config.alpha_A, config.epsilon) : addScaled(t.A, config.alpha_A, t.grad_A);
  }
  return t;
}

/** The weights the diagram should show at the current phase. */
export function shownWeights(state) {
  const t = state.trace;
  if (!t) return { A: state.A, B: state.B };
  return {
    A: reached(state, 'update_A') ? t.A : t.A_before,
    B: reached(state, 'update_B') ? t.B : t.B_before,
  };
}

/** The sample (s, y) on show: the trace's, or the next one before any step. */
export function currentSample(state) {
  if (state.trace) return { index: state.trace.index, s: state.trace.s, y: state.trace.y };
  if (state.session && isTD(state.session.config)) return nextTDSample(state);
  if (!state.data) return null;
  const i = state.counters.nextIndex;
  const s = state.data.s[i].slice();
  if (state.session.config.bias) s.push(1);
  return { index: i, s, y: state.data.y[i] };
}
