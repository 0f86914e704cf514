/**
 * @fileoverview Play mode: the server steps on its own clock and the page
 * shows the latest frame at its last phase, until Pause, a divergence or a
 * lost connection stops it.  Frames wait for the display's next frame
 * (control/player.js), which draws one; those never drawn still add their
 * losses to the loss history.  A stream whose server side went away is opened
 * again for the same session, which goes on from the state the server saved.
 */

import { ApiError } from '../api.js';
import { lastPhase } from '../state/phases.js';
import { fewerSteps, nextRate } from '../state/play.js';
import { GAVE_UP_NOTICE, isLost, reconnectingNotice, resumedNotice, retryDelay } from '../state/reconnect.js';
import { state } from '../state/store.js';
import { openPlayer, reopenAfter, setSpeed, stopPlaying } from './player.js';
import { guarded } from './queue.js';
import { render, renderNow } from './render.js';
import { setCounters, takeLosses, takeTrace } from './session.js';

/** Frames taken before a drawing (control/player.js): the last is the one drawn. */
function onFrames(frames) {
  if (!state.play.playing) return; // paused: a frame still on its way is not shown
  if (state.play.retries) {
    state.play.retries = 0;
    // The frame's first step was taken from the state saved before the connection was lost.
    state.notice = resumedNotice(frames[0].state.step - frames[0].losses.length);
  }
  for (const frame of frames.slice(0, -1)) takeLosses(frame);
  takeTrace(frames[frames.length - 1]);
  state.phase = lastPhase(state.session.config);
}

function onStop(msg) {
  if (msg.type === 'closed' && isLost(msg.code) && state.play.playing) {
    reconnect();
    return;
  }
  // More steps a frame than this session may take at this rate: the most it may, and on.
  const fewer = msg.type === 'error' && msg.field === 'steps_per_frame' && msg.largest >= 1 && state.play.playing
    ? fewerSteps(state.play.rate, state.play.stepsPerFrame, msg.largest) : null;
  if (fewer) {
    setSpeed(state.play.rate, fewer.steps);
    state.notice = fewer.notice;
    render();
    return;
  }
  stopPlaying();
  if (msg.type === 'diverged') {
    state.diverged = { message: msg.message, advice: msg.advice };
    if (msg.state) setCounters(msg.state);
  } else if (msg.type === 'closed' && msg.code === 4404) {
    // The server lost the session: the queue's handling re-creates it.
    guarded(() => Promise.reject(new ApiError(404, {})));
  } else if (msg.message) {
    state.notice = `Play stopped: ${msg.message}`;
  }
  render(); // stopped, whatever the reason: Play shows it at once
}

/** Open the stream again after the next back-off, or stop when every try is used up. */
function reconnect() {
  const delay = retryDelay(state.play.retries);
  if (delay === null) {
    stopPlaying();
    state.notice = GAVE_UP_NOTICE;
  } else {
    state.play.retries += 1;
    state.notice = reconnectingNotice(state.play.retries);
    reopenAfter(delay, onFrames, onStop);
  }
  render();
}

export function startPlaying() {
  if (!openPlayer(onFrames, onStop)) return;
  state.diverged = null;
  state.quiz = null;
  render();
}

export function togglePlay() {
  if (!state.play.playing) {
    startPlaying();
    return;
  }
  if (state.play.retries) state.notice = null; // Pause calls the reconnect off
  stopPlaying();
  renderNow(); // the frame on show when Pause was pressed, at once
}

/** One speed faster (+1) or slower (−1), steps a frame unchanged. */
export function changeRate(delta) {
  setSpeed(nextRate(state.play.rate, delta), state.play.stepsPerFrame);
}
