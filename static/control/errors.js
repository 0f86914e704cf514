/**
 * @fileoverview What the page does when the server says no: a step that
 * would diverge is explained, a session the server lost is started afresh
 * with the same settings, anything else is said in the notice line.
 */

import { ApiError } from '../api.js';
import { recreatingConfig } from '../state/config.js';
import { state } from '../state/store.js';
import { stopPlaying } from './player.js';
import { createSession, setCounters } from './session.js';

/** Take an ApiError into the state; any other error is thrown on (it is not the server's answer). */
export async function handleError(err) {
  if (!(err instanceof ApiError)) throw err;
  if (err.status === 409 && err.body.diverged) {
    state.diverged = { message: err.body.message, advice: err.body.advice };
    if (err.body.state) setCounters(err.body.state);
    stopPlaying();
  } else if (err.status === 404 && state.session) {
    stopPlaying();
    await createSession(recreatingConfig(state.session.config));
    state.notice = 'The server no longer had this session (it may have restarted or expired), so a fresh one was started with the same settings.';
  } else {
    state.notice = err.message;
  }
}
