/**
 * @fileoverview Work longer than one call, taken in calls the server allows:
 * each asks for at most the session's max_steps, and each answer is shown as
 * a step's answer is.  Between calls Stop is heard, a busy server (429) is
 * waited for as long as it asks, and a budget that shrank since the last
 * answer is read again.  Work that fits one call is one call, as it always was.
 */

import { ApiError, api } from '../api.js';
import { lastPhase } from '../state/phases.js';
import { state } from '../state/store.js';
import { maxSteps, newJob } from '../state/work.js';
import { render } from './render.js';
import { setLimits, takeTrace } from './session.js';

let wake = null; // ends the wait for a busy server under way, when Stop is pressed

/** Stop the job under way once the call in flight has answered (at once while waiting). */
export function stopWork() {
  if (!state.work || state.work.stopping) return;
  state.work.stopping = true;
  if (wake) wake();
  render();
}

function pause(seconds) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, seconds * 1000);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  }).finally(() => {
    wake = null;
  });
}

/** Wait out a 429's Retry-After, counting down on show; false when Stop came first. */
async function waitOut(work, seconds) {
  work.visible = true;
  for (let left = seconds; left > 0 && !work.stopping; left -= 1) {
    work.retryIn = left;
    render();
    await pause(1);
  }
  work.retryIn = null;
  render();
  return !work.stopping;
}

/** Is this the server refusing n as more than one call of this session may take? */
function pastBudget(err) {
  const detail = err instanceof ApiError && err.status === 422 && err.body.detail;
  return Boolean(detail && detail[0] && detail[0].field === 'n');
}

/**
 * One call, `ask(n)` with n = `size(max_steps)`: after a 429 the same call
 * again, until it goes through or Stop is pressed (then null).  Refused as too
 * long, the limits are read again and the call asked again, shorter, once.
 */
async function call(work, ask, size) {
  let reread = false;
  for (;;) {
    const n = size(maxSteps(state));
    try {
      return await ask(n);
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) {
        if (!work.stopping && (await waitOut(work, err.retryAfter || 1))) continue;
        return null;
      }
      if (!pastBudget(err) || reread) throw err;
      reread = true;
      setLimits(await api.read(state.session.id));
      if (maxSteps(state) >= n) throw err;
    }
  }
}

/** Calls until `finished(answer)` or Stop; any error but a 429 ends the job and goes to the caller. */
async function run(work, ask, size, finished) {
  state.work = work;
  if (work.visible) render();
  try {
    for (;;) {
      const body = await call(work, ask, size);
      if (!body) return;
      takeTrace(body);
      state.phase = lastPhase(state.session.config);
      state.quiz = null;
      work.done = body.state.step - work.start;
      if (finished(body) || work.stopping) return;
      work.visible = true;
      render();
    }
  } finally {
    state.work = null;
  }
}

/** `total` more steps, the progress bar headed `name` when they take more than one call. */
export async function takeSteps(name, total) {
  if (!(total > 0)) return;
  const id = state.session.id;
  const work = newJob(name, state.counters.step, total);
  const target = work.start + total;
  work.visible = total > maxSteps(state);
  await run(
    work,
    (n) => api.step(id, n),
    (max) => Math.min(max, target - state.counters.step),
    (body) => body.state.step >= target,
  );
}

/** TD mode: the rest of the episode under way, until an answer counts one more episode. */
export function stepToEpisodeEnd() {
  const id = state.session.id;
  const episodes = state.counters.epoch;
  return run(
    newJob('Episode', state.counters.step, null),
    (n) => api.stepToEpisodeEnd(id, n),
    (max) => max,
    (body) => body.state.epoch > episodes,
  );
}
