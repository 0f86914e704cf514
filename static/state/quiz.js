/**
 * @fileoverview Which number the quiz asks for before a phase shows it, read
 * from the step's trace.  Phases without an entry are not quizzed.
 */

import { ij, sub } from '../lib/format.js';
import { PHASES } from './phases.js';

/** The quantity each quizzed phase asks for, given the trace and the step (which entry varies by step). */
const QUESTIONS = {
  y_hat: (t, j) => ({ label: `ŷ_{${sub(j % t.y_hat.length)}}`, value: t.y_hat[j % t.y_hat.length] }),
  delta_B: (t, j) => ({ label: `δ^{B}_{${sub(j % t.delta_B.length)}}`, value: t.delta_B[j % t.delta_B.length] }),
  update_B: (t, j) => {
    const r = j % t.B.length;
    return { label: `the new B_{${ij(r, 0)}}`, value: t.B[r][0] };
  },
  delta_A: (t, j) => ({ label: `δ^{A}_{${sub(j % t.delta_A.length)}}`, value: t.delta_A[j % t.delta_A.length] }),
  update_A: (t, j) => {
    const r = j % t.A.length;
    return { label: `the new A_{${ij(r, 0)}}`, value: t.A[r][0] };
  },
};

/** The question for a phase index, or null when that phase is not quizzed. */
export function questionFor(phaseIndex, trace, step) {
  const phase = PHASES[phaseIndex];
  const ask = phase && QUESTIONS[phase.id];
  return ask ? { phaseIndex, ...ask(trace, step), guess: null } : null;
}
