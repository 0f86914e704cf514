/**
 * @fileoverview The note under the diagram that names the dead ReLU units of
 * this step: ψ ≤ 0, so their δᴬ is 0 and the weights into them do not move.
 */

import { setProp, setText } from '../lib/dom.js';

export class DeadNoteView {
  /** @param {HTMLElement} note */
  init(note) {
    if (!note) throw new Error('DeadNoteView needs its paragraph');
    this.note = note;
    return this;
  }

  render(state) {
    const t = state.trace;
    const cfg = state.session && state.session.config;
    const dead = t && cfg && cfg.f_A === 'relu' ? t.psi.map((p, j) => (p <= 0 ? j + 1 : 0)).filter(Boolean) : [];
    setProp(this.note, 'hidden', dead.length === 0);
    setText(this.note, dead.length
      ? `Dead ReLU unit${dead.length > 1 ? 's' : ''} ${dead.join(', ')}: ψ ≤ 0 here, so f_A′(ψ) = 0, δᴬ = 0, and the weights into ${dead.length > 1 ? 'them' : 'it'} do not move on this sample.`
      : '');
  }
}
