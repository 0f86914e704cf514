/**
 * @fileoverview The one play connection of the page: opened on Play, closed on
 * Pause or by any action that takes steps of its own, so that two clocks
 * never step the same session.
 */

import { Player } from '../api.js';
import { state } from '../state/store.js';
import { render } from './render.js';

let player = null;

/** Open the connection for the session on show; false when there is no session or one is open. */
export function openPlayer(onFrame, onStop) {
  if (!state.session || player) return false;
  state.play.playing = true;
  player = new Player(state.session.id, state.play, onFrame, onStop);
  return true;
}

export function stopPlaying() {
  if (player) player.close();
  player = null;
  state.play.playing = false;
}

/** Frames a second and steps a frame, for the next play and the one under way. */
export function setSpeed(rate, stepsPerFrame) {
  state.play.rate = rate;
  state.play.stepsPerFrame = stepsPerFrame;
  if (player) player.setSpeed(rate, stepsPerFrame);
  render();
}
