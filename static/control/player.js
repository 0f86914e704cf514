/**
 * @fileoverview The one play connection of the page: opened on Play, closed on
 * Pause or by any action that takes steps of its own, so that two clocks
 * never step the same session; opened again for the same session when the
 * server's side of it went away.
 */

import { Player } from '../api.js';
import { state } from '../state/store.js';
import { render } from './render.js';

let player = null;
let reopening = null; // the timer of a reopen under way, after a lost connection

/** Open the connection for the session on show; false when there is no session or one is open. */
export function openPlayer(onFrame, onStop) {
  if (!state.session || player || reopening) return false;
  state.play.playing = true;
  player = new Player(state.session.id, state.play, onFrame, onStop);
  return true;
}

/** The connection was lost: still playing, open a new one for the same session after `seconds`. */
export function reopenAfter(seconds, onFrame, onStop) {
  player = null;
  reopening = setTimeout(() => {
    reopening = null;
    if (state.session && state.play.playing) player = new Player(state.session.id, state.play, onFrame, onStop);
  }, seconds * 1000);
}

export function stopPlaying() {
  clearTimeout(reopening);
  reopening = null;
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
