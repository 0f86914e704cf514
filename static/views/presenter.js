/**
 * @fileoverview Presenter mode and the text size: the page at a projector's
 * type size.  Drawn before the other views, so that those measuring themselves
 * (the equations) see the size they will be shown at.
 */

import { mark } from '../lib/dom.js';

export class PresenterView {
  /** @param {HTMLElement} body */
  init(body, textSize) {
    if (!body || !textSize) throw new Error('PresenterView needs the page body and the text size control');
    this.body = body;
    this.textSize = textSize;
    return this;
  }

  render(state) {
    mark(this.body, 'presenter', state.presenter);
    const size = String(state.textSize);
    if (this.shownSize !== size) {
      this.shownSize = size;
      document.documentElement.style.setProperty('--text-scale', size);
      this.textSize.value = size;
    }
  }
}
