/**
 * @fileoverview Work longer than one call (an epoch of a large D, the rest of
 * an episode, a link's steps replayed): how many steps a call may ask for,
 * the job's record in the state, and the words its progress bar says.
 */

import { count } from '../lib/format.js';
import { CONSTANTS } from './vocabulary.js';

// The API's bound on n, for an answer that states no limits of its own.
const { MAX_STEPS } = CONSTANTS;

/** The most steps one call may take for the session on show, from its last answer's limits. */
export function maxSteps(state) {
  const k = state.limits && state.limits.max_steps;
  return Number.isInteger(k) && k >= 1 ? Math.min(k, MAX_STEPS) : MAX_STEPS;
}

/**
 * A job's record: `name` heads its progress bar, `total` is its steps (null:
 * until the episode under way ends).  `visible` once it takes more than one
 * call or waits for the server; only then do the bar and Stop show.
 */
export function newJob(name, startStep, total) {
  return { name, start: startStep, total, done: 0, visible: false, retryIn: null, stopping: false };
}

/** Is a job of several calls on show?  The controls that take steps wait for it. */
export function working(state) {
  return Boolean(state.work && state.work.visible);
}

/** "Epoch: 3,200 of 10,000 steps", or "Episode: 24,000 steps so far" when the end is not known. */
export function progressLabel(work) {
  if (work.total === null) return `${work.name}: ${count(work.done)} steps so far`;
  return `${work.name}: ${count(work.done)} of ${count(work.total)} steps`;
}

/** The line beside the bar: a wait for a busy server, or a Stop being carried out. */
export function workStatus(work) {
  if (work.retryIn !== null) return `server busy, retrying in ${work.retryIn} s`;
  return work.stopping ? 'stopping after this call' : '';
}
