/**
 * @fileoverview The note under the diagram that names the dead ReLU units of
 * this step: ψ ≤ 0, so their δᴬ is 0 and the weights into them do not move.
 * A ReLU network keeps the note's room whether or not a unit is dead, so that
 * a note coming and going (it may, sample by sample, while playing) never
 * resizes the diagram above it; while playing it is rewritten ten times a second.
 */

import { setAttr, setProp, setText } from '../lib/dom.js';
import { PLAYING_NUMBERS_MS, Pace } from '../lib/pace.js';

const LISTED = 6; // more dead units than this: their number, not each one

/** The note for the dead units `dead` (1-based) of `n_x`. */
export function deadNote(dead, n_x) {
  if (!dead.length) return 'No dead ReLU unit on this sample: every ψ > 0 here, so every unit passes δᴬ back.';
  const which = dead.length > LISTED ? `${dead.length} of the ${n_x} units` : `unit${dead.length > 1 ? 's' : ''} ${dead.join(', ')}`;
  const them = dead.length > 1 ? 'them' : 'it';
  return `Dead ReLU ${which}: ψ ≤ 0 here, so f_A′(ψ) = 0, δᴬ = 0, and the weights into ${them} do not move on this sample.`;
}

export class DeadNoteView {
  /** @param {HTMLElement} note */
  init(note) {
    if (!note) throw new Error('DeadNoteView needs its paragraph');
    this.note = note;
    this.pace = new Pace(PLAYING_NUMBERS_MS, (state) => this.render(state));
    return this;
  }

  render(state) {
    const t = state.trace && state.trace.psi ? state.trace : null; // a class's step: ψ once its phase is shown
    const cfg = state.session && state.session.config;
    const relu = Boolean(cfg && cfg.f_A === 'relu' && !cfg.environment);
    setProp(this.note, 'hidden', !relu);
    if (!relu || !this.pace.due(state)) return;
    const dead = t ? t.psi.map((p, j) => (p <= 0 ? j + 1 : 0)).filter(Boolean) : [];
    setAttr(this.note, 'data-dead', String(dead.length));
    setText(this.note, t ? deadNote(dead, t.psi.length) : 'Dead ReLU units, if any, are named here once a step’s ψ is shown.');
  }
}
