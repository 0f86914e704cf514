/**
 * @fileoverview The phases of one SGD step, in the slides' order: the page's
 * one list of them.  The server's /api/source names its lines by the same ids,
 * and every view that keys something by phase is checked against this list.
 */

import { isTiles } from './control.js';

/**
 * `title` heads the equations panel; `line` is the line of the slides'
 * pseudo-code that the phase belongs to.
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

// With the tile coder in A's place there is no ψ = sA, and A is not learned: x comes straight
// from the tiles, and the step ends with B's update.
const FROZEN_A = new Set(['psi', 'delta_A', 'grad_A', 'update_A']);

/** The phases a session's step goes through: every one, or the tile coder's without A's. */
export function phasesOf(config) {
  return isTiles(config) ? PHASES.filter((p) => !FROZEN_A.has(p.id)) : PHASES;
}

/** The index (into PHASES) of the last phase of a session's step. */
export function lastPhase(config) {
  return phaseIndex(phasesOf(config).at(-1).id);
}

/** The index (into PHASES) of the phase after `index` in a session's step (LAST_PHASE + 1 past its end). */
export function nextPhase(config, index) {
  const next = phasesOf(config).find((p) => phaseIndex(p.id) > index);
  return next ? phaseIndex(next.id) : LAST_PHASE + 1;
}

/** Index of a phase by id. */
export function phaseIndex(id) {
  return PHASES.findIndex((p) => p.id === id);
}

/** Has the shown phase reached `id`? (false before any step) */
export function reached(state, id) {
  return state.trace !== null && state.phase >= phaseIndex(id);
}

/** The id of the phase on show, or null before a step or its first phase. */
export function shownPhase(state) {
  return state.trace && state.phase >= 0 ? PHASES[state.phase].id : null;
}

/**
 * Throw unless `table` has an entry for every phase: a view that keys its
 * drawing by phase fails at load, not silently on the phase it forgot.
 */
export function coversEveryPhase(table, what) {
  const missing = PHASES.filter((p) => !(p.id in table)).map((p) => p.id);
  if (missing.length) throw new Error(`${what} has nothing for the phases ${missing.join(', ')}`);
  return table;
}
