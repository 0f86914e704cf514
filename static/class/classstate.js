/**
 * @fileoverview What the page knows of the class it teaches or follows
 * (state.classroom), and the quiz's targets: the entries of a step a class
 * may be asked for, their labels, and their true values in a trace.
 */

import { ij, sub } from '../lib/format.js';
import { ACTION_NAMES } from '../state/control.js';
import { LAST_PHASE, PHASES, phaseIndex } from '../state/phases.js';

/**
 * A fresh state.classroom.  Both roles: code, paused, released, quiz
 * ({target, index, revealed, value} or null), ended (why, or null), connected, spotlight (the
 * tag of the released run the class watches, or null).
 * The teacher: joinUrl (and joinNote: why phones cannot open it, or null), key, sessionId (the session the class follows),
 * roster ({joined, answered, histogram, locked, addresses: [{tag, seats}], others, blocked}), showJoin,
 * runs (the released students' runs: [{student, step, loss, diverged, alpha_changed, curve}]), watching (the
 * projector shows the spotlighted run, read-only, as students do).  A student: following
 * (false while released with an own session), tag (its run's, once released), own (its run's session id,
 * kept aside while it watches a spotlight), answer (the value sent), result
 * (how close it was, after the reveal), error (the server's last word on an answer),
 * endedAs (the banner's word when the class's door shut the page out: removed, not let in).
 */
export function newClassroom(role, code, extra = {}) {
  return {
    role, code, connected: false, paused: false, released: false, quiz: null, ended: null,
    joinUrl: null, joinNote: null, key: null, sessionId: null, roster: null, showJoin: true,
    following: role === 'student', answer: null, result: null, error: null, endedAs: null,
    spotlight: null, runs: [], tag: null, own: null, watching: false,
    ...extra,
  };
}

export const isTeacher = (state) => !!state.classroom && state.classroom.role === 'teacher' && !state.classroom.ended;

/** Does the page follow a teacher just now (its own controls off)? */
export const isFollowing = (state) => !!state.classroom
  && (state.classroom.role === 'student' ? state.classroom.following : !!state.classroom.watching);

// The quiz's targets in the slides' order, as a label of one entry; B and A are the updated weights.
const TARGETS = [
  { target: 'y_hat', label: (i) => `ŷ_{${sub(i[0])}}` },
  { target: 'delta_B', label: (i) => `δ^{B}_{${sub(i[0])}}` },
  { target: 'B', label: (i) => `the new B_{${ij(i[0], i[1])}}` },
  { target: 'delta_A', label: (i) => `δ^{A}_{${sub(i[0])}}` },
  { target: 'A', label: (i) => `the new A_{${ij(i[0], i[1])}}` },
];

/**
 * Every entry a quiz may ask of this trace: [{target, index, label, note}], in the slides' order.
 * In control mode only the action taken is corrected: the others' δᴮ are 0 and their columns of
 * B do not move (the page says so), so those are not offered; `note` names each output's action.
 */
export function quizEntries(trace) {
  if (!trace) return [];
  const action = trace.transition && trace.transition.action; // TD mode's transition has none
  const taken = Number.isInteger(action) ? action : null;
  const out = [];
  for (const { target, label } of TARGETS) {
    const value = trace[target];
    const indices = Array.isArray(value[0])
      ? value.flatMap((row, j) => row.map((_, k) => [j, k]))
      : value.map((_, k) => [k]);
    for (const index of indices) {
      const output = { y_hat: index[0], delta_B: index[0], B: index[1] }[target];
      if (taken !== null && target !== 'y_hat' && output !== undefined && output !== taken) continue;
      const note = taken !== null && output !== undefined ? `q̂(S, ${ACTION_NAMES[output]})${output === taken ? ', taken' : ''}` : '';
      out.push({ target, index, label: label(index), note });
    }
  }
  return out;
}

/** The label of a quiz ({target, index}). */
export function quizLabel(quiz) {
  const t = TARGETS.find((x) => x.target === quiz.target);
  return t ? t.label(quiz.index) : quiz.target;
}

/** The entry `quiz` asks for, in `trace` (the step it was asked about). */
export function trueValue(trace, quiz) {
  return quiz.index.reduce((v, i) => v[i], trace[quiz.target]);
}

// The phase that shows each quiz target's answer (app/classroom/shown.py ASKED_AT).
const ASKED_AT = { y_hat: 'y_hat', delta_B: 'delta_B', B: 'update_B', delta_A: 'delta_A', A: 'update_A' };

/** What the teacher's page says while an open question holds the phase that would answer it. */
export const HELD_NOTICE = 'The class’s question is open: Reveal it first, then the phase that computes its answer is shown.';

/**
 * The last phase a class's page may show: while a question is open, the phase before the one
 * that shows its answer, on the projector as on every student's page (the server sends
 * students nothing past it either).
 */
export function questionCap(state) {
  const c = state.classroom;
  const q = c && !c.ended && c.quiz;
  if (!q || q.revealed || !(q.target in ASKED_AT)) return LAST_PHASE;
  return phaseIndex(ASKED_AT[q.target]) - 1;
}

/** The phase index a "view" names, for a page whose trace is `trace` (-1 before a step). */
export function phaseOf(name, trace) {
  return trace && name ? Math.max(-1, phaseIndex(name)) : -1;
}

/** The name of the phase on show, as the teacher sends it; null before a step. */
export function phaseName(state) {
  return state.trace && state.phase >= 0 ? PHASES[state.phase].id : null;
}
