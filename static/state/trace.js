/**
 * @fileoverview Reading the trace of a step: completing the compact trace of
 * a play frame, the weights to show at a phase, and the sample on show.
 */

import { adamBefore } from './adam.js';
import { reached } from './phases.js';
import { isTD, nextTDSample } from './td.js';
import { isControl, nextControlSample } from './control.js';

function outer(u, v) {
  return u.map((a) => v.map((b) => a * b));
}

function addScaled(M, alpha, G) {
  return M.map((row, i) => row.map((m, j) => m + alpha * G[i][j]));
}

/**
 * Fill in what a compact trace (from a play frame) leaves out: the gradients
 * are outer products and the weights before the step follow from the update.
 * A class's step, shown phase by phase, holds the weights before it from the
 * start, and each gradient once the δ it is made of has come.
 */
export function completeTrace(trace, config) {
  const t = { ...trace };
  if (!t.grad_B && t.x && t.delta_B) t.grad_B = outer(t.x, t.delta_B);
  if (!t.grad_A && t.delta_A) t.grad_A = outer(t.s, t.delta_A);
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

/**
 * The sample (s, y) on show: the trace's, or the next one before any step.  In control mode
 * every output but the action taken has y = its own ŷ: those entries are null until ŷ is shown.
 */
export function currentSample(state) {
  const t = state.trace;
  if (t) {
    const untakenLater = t.q_next && t.transition && t.y && !reached(state, 'y_hat');
    const y = untakenLater ? t.y.map((v, a) => (a === t.transition.action ? v : null)) : t.y;
    return { index: t.index, s: t.s, y };
  }
  if (state.session && isTD(state.session.config)) return nextTDSample(state);
  if (state.session && isControl(state.session.config)) return nextControlSample(state);
  if (!state.data) return null;
  const i = state.counters.nextIndex;
  const s = state.data.s[i].slice();
  if (state.session.config.bias) s.push(1);
  return { index: i, s, y: state.data.y[i] };
}
