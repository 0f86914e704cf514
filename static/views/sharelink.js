/**
 * @fileoverview The share panel's link to this run, kept current: the
 * settings and the step reached, or the current weights when asked for.
 */

import { setProp } from '../lib/dom.js';
import { linkToRun } from '../state/link.js';

export class ShareLinkView {
  /**
   * @param {HTMLInputElement} field  the link  @param {HTMLInputElement} withWeights  its checkbox
   * @param {(checked: boolean) => void} onWeights  the checkbox changed
   */
  init(field, withWeights, onWeights) {
    if (!field || !withWeights || !onWeights) throw new Error('ShareLinkView needs the link, its checkbox and a handler');
    this.field = field;
    this.withWeights = withWeights;
    withWeights.addEventListener('change', () => onWeights(withWeights.checked));
    return this;
  }

  render(state) {
    setProp(this.withWeights, 'checked', state.linkWeights);
    if (!state.session) return;
    if (state.play.playing && this.field.value) return; // the link of the step the pause leaves
    const link = linkToRun(state);
    setProp(this.field, 'value', link);
  }
}
