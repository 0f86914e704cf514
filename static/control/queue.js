/**
 * @fileoverview Actions that ask the server run one at a time, in the order
 * they were asked for, so that quick presses are taken in order and none acts
 * on a session being replaced.
 */

import { state } from '../state/store.js';
import { handleError } from './errors.js';
import { actionEnded, actionStarted } from './render.js';

// A few may wait; more are dropped (a held-down key must not pile up requests).
const MAX_WAITING = 4;
let queue = Promise.resolve();
let waiting = 0;

/**
 * Run `action` after those already asked for; its errors go to handleError,
 * and the page is drawn when it ends.  The body's data-busy says whether any
 * is still waiting or its drawing still to come (control/render.js).
 */
export function guarded(action) {
  if (waiting >= MAX_WAITING) return queue;
  waiting += 1;
  actionStarted();
  queue = queue.then(async () => {
    try {
      state.notice = null;
      await action();
    } catch (err) {
      try {
        await handleError(err);
      } catch (unexpected) {
        // keep the queue alive: the next action must still run
        state.notice = `Something went wrong: ${unexpected.message || unexpected}`;
      }
    } finally {
      waiting -= 1;
      actionEnded();
    }
  });
  return queue;
}
