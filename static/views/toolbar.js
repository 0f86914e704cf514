/**
 * @fileoverview The top bar's tools, on the first screen of a projector:
 * Settings opens the settings (the hand-check preset first) beside the
 * diagram, and Start a class (class/joinpanel.js starts it).
 */

import { mark, setAttr } from '../lib/dom.js';

export class ToolbarView {
  /** @param {HTMLElement} body  the page's body  @param {HTMLElement} toggle  the Settings button */
  init(body, toggle) {
    if (!body || !toggle) throw new Error('ToolbarView needs the page body and the Settings button');
    this.body = body;
    this.toggle = toggle;
    return this;
  }

  render(state) {
    mark(this.body, 'settings-open', state.settingsOpen);
    setAttr(this.toggle, 'aria-expanded', String(state.settingsOpen));
  }
}
