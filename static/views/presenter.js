/**
 * @fileoverview Presenter mode: the page at a projector's type size.  Drawn
 * before the other views, so that those measuring themselves (the equations)
 * see the size they will be shown at.
 */

import { mark } from '../lib/dom.js';

export class PresenterView {
  /** @param {HTMLElement} body */
  init(body) {
    if (!body) throw new Error('PresenterView needs the page body');
    this.body = body;
    return this;
  }

  render(state) {
    mark(this.body, 'presenter', state.presenter);
  }
}
