/**
 * @fileoverview Control mode's lesson on experience replay, beside the steps per episode: what
 * replay does, in a few words, and one button that runs the same settings without it (or with
 * it again), through the settings form, as if the learner had typed the number; the run it
 * leaves stays on the episode chart as "the run before" (control/compare.js).
 */

import { setProp, setText } from '../lib/dom.js';
import { count } from '../lib/format.js';
import { CONTROL_FIELDS } from '../state/config.js';
import { AGENT_TARGETS, CAR, isControl, isTiles } from '../state/control.js';

const REPLAY = CONTROL_FIELDS.find((f) => f.name === 'replay');

export class ReplayLesson {
  /**
   * @param {HTMLElement} text  @param {HTMLButtonElement} button
   * @param {(replay: number) => void} onReplay  runs the same settings with this replay
   */
  init(text, button, onReplay) {
    if (!text || !button || !onReplay) throw new Error('ReplayLesson needs its text, its button and a handler');
    this.text = text;
    this.button = button;
    this.target = REPLAY.default;
    button.addEventListener('click', () => onReplay(this.target));
    return this;
  }

  render(state) {
    const cfg = state.session && state.session.config;
    if (!isControl(cfg)) return;
    setProp(this.text.parentElement, 'hidden', isTiles(cfg)); // the tile coder learns without replay
    const replay = cfg.environment.replay;
    const [agent] = AGENT_TARGETS[cfg.environment.agent];
    if (replay > 0) {
      this.target = 0;
      setText(this.text, `Replay: after each move the network also takes ${replay} step${replay > 1 ? 's' : ''} on moves ` +
        `drawn at random from the last ${count(cfg.environment.buffer)}, not only on the move just made. Without it ` +
        `(replay 0) this is plain online semi-gradient ${agent} with a network: one step a move, on moves in a row that ` +
        'are alike, which the network can fit at the cost of what it learned elsewhere in the valley. Run both and ' +
        `compare the steps per episode (an episode is cut at ${count(CAR.MAX_STEPS)} steps).`);
      setText(this.button, 'Run the same settings without replay (replay 0)');
    } else {
      this.target = REPLAY.default;
      setText(this.text, `No replay: plain online semi-gradient ${agent} with a network, one step a move on moves in a ` +
        'row that are alike, which the network can fit at the cost of what it learned elsewhere in the valley. ' +
        `Compare its steps per episode with the run before this button (grey, dotted), or with replay ${REPLAY.default} ` +
        `again (an episode is cut at ${count(CAR.MAX_STEPS)} steps).`);
      setText(this.button, `Run the same settings with replay ${REPLAY.default} again`);
    }
  }
}
