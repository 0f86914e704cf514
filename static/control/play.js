/**
 * @fileoverview Play mode: the server steps on its own clock and the page
 * shows each frame at its last phase, until Pause, a divergence or a lost
 * connection stops it.
 */

import { ApiError } from '../api.js';
import { LAST_PHASE } from '../state/phases.js';
import { nextRate } from '../state/play.js';
import { state } from '../state/store.js';
import { openPlayer, setSpeed, stopPlaying } from './player.js';
import { guarded } from './queue.js';
import { render } from './render.js';
import { setCounters, takeTrace } from './session.js';

function onFrame(frame) {
  takeTrace(frame);
  state.phase = LAST_PHASE;
  render();
}

function onStop(msg) {
  stopPlaying();
  if (msg.type === 'diverged') {
    state.diverged = { message: msg.message, advice: msg.advice };
    if (msg.state) setCounters(msg.state);
    render();
  } else if (msg.type === 'closed' && msg.code === 4404) {
    // The server lost the session: the queue's handling re-creates it.
    guarded(() => Promise.reject(new ApiError(404, {})));
  } else if (msg.message) {
    state.notice = `Play stopped: ${msg.message}`;
    render();
  }
}

export function startPlaying() {
  if (!openPlayer(onFrame, onStop)) return;
  state.diverged = null;
  state.quiz = null;
  render();
}

export function togglePlay() {
  if (state.play.playing) stopPlaying();
  else startPlaying();
}

/** One speed faster (+1) or slower (−1), steps a frame unchanged. */
export function changeRate(delta) {
  setSpeed(nextRate(state.play.rate, delta), state.play.stepsPerFrame);
}
