/**
 * @fileoverview A job of several calls on show: its progress bar, the line
 * beside it (a wait for a busy server, a Stop under way) and the Stop button.
 * Hidden while no such job runs; single calls never show it.
 */

import { byId, setProp, setText } from '../lib/dom.js';
import { progressLabel, workStatus } from '../state/work.js';

// A bar without the attribute reads as max 1 and value 0 yet is drawn otherwise: it is written then too.
function setNumber(bar, name, value) {
  if (!bar.hasAttribute(name) || bar[name] !== value) bar[name] = value;
}

export class WorkView {
  /** @param {HTMLElement} box  the container of the label, bar, status line and Stop, by id */
  init(box) {
    this.box = box;
    this.label = byId('work-label');
    this.bar = byId('work-progress');
    this.status = byId('work-status');
    this.stop = byId('stop-work');
    if (!box || !this.label || !this.bar || !this.status || !this.stop) {
      throw new Error('WorkView needs #work with its label, progress bar, status line and Stop button');
    }
    return this;
  }

  render(state) {
    const work = state.work && state.work.visible ? state.work : null;
    if (!work) {
      // Stop had the focus: give it to Epoch, where the work began, not to the page's top.
      const hadFocus = !this.box.hidden && this.box.contains(document.activeElement);
      setProp(this.box, 'hidden', true);
      if (hadFocus) byId('epoch').focus();
      return;
    }
    setProp(this.box, 'hidden', false);
    setText(this.label, progressLabel(work));
    if (work.total === null) {
      this.bar.removeAttribute('value'); // the end is not known: an indeterminate bar
    } else {
      setNumber(this.bar, 'max', work.total);
      setNumber(this.bar, 'value', work.done);
    }
    setText(this.status, workStatus(work));
    setText(this.stop, work.stopping ? 'Stopping…' : 'Stop (Esc)');
  }
}
