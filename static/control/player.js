/**
 * @fileoverview The one play connection of the page: opened on Play, closed on
 * Pause or by any action that takes steps of its own, so that two clocks
 * never step the same session; opened again for the same session when the
 * server's side of it went away.
 */

import { Player } from '../api.js';
import { state } from '../state/store.js';
import { render, setFrameSource } from './render.js';

// Frames wait here from their arrival to the display's next frame, which draws one of them: a
// burst (the network or a busy moment bunches frames) is drawn a frame at a time, not skipped.
// Past BEHIND waiting, the oldest are taken without being drawn, so the page is never more than
// BEHIND display frames behind the server.
const BEHIND = 2;
const waiting = [];
let take = () => {}; // takes frames into the state, the last to be drawn (control/play.js)
let player = null;
let reopening = null; // the timer of a reopen under way, after a lost connection

setFrameSource(() => {
  if (!waiting.length) return;
  take(waiting.splice(0, Math.max(1, waiting.length - BEHIND)));
  if (waiting.length) render(); // the next at the display's next frame
});

function received(frame) {
  waiting.push(frame);
  render();
}

function connect(onFrames, onStop) {
  take = onFrames;
  player = new Player(state.session.id, state.play, received, onStop);
}

/**
 * Open the connection for the session on show; false when there is no session or one is open.
 * `onFrames(frames)` takes frames into the state, the last of them to be drawn.
 */
export function openPlayer(onFrames, onStop) {
  if (!state.session || player || reopening) return false;
  state.play.playing = true;
  connect(onFrames, onStop);
  return true;
}

/** The connection was lost: still playing, open a new one for the same session after `seconds`. */
export function reopenAfter(seconds, onFrames, onStop) {
  player = null;
  reopening = setTimeout(() => {
    reopening = null;
    if (state.session && state.play.playing) connect(onFrames, onStop);
  }, seconds * 1000);
}

/** Stop: frames still waiting are taken (the server took their steps), the latest is the one on show. */
export function stopPlaying() {
  clearTimeout(reopening);
  reopening = null;
  if (waiting.length) take(waiting.splice(0));
  if (player) player.close();
  player = null;
  state.play.playing = false;
  state.play.retries = 0;
}

/** Frames a second and steps a frame, for the next play and the one under way. */
export function setSpeed(rate, stepsPerFrame) {
  state.play.rate = rate;
  state.play.stepsPerFrame = stepsPerFrame;
  if (player) player.setSpeed(rate, stepsPerFrame);
  render();
}
