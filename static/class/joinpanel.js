/**
 * @fileoverview The teacher's class bar and the projector's join panel: the
 * code in large type, a QR code of the join link, how many have joined (a
 * count, never names), and the buttons that pause, release, gather and end.
 */

import { byId } from '../lib/dom.js';
import { count } from '../lib/format.js';
import { isTeacher } from './classstate.js';
import { qrSvg } from './qr.js';

export class JoinPanelView {
  /** @param {{start, toggleJoin, togglePause, toggleRelease, end}} on  what the buttons do */
  init(on) {
    const $ = byId;
    this.bar = $('class-drive');
    this.panel = $('class-join');
    this.start = $('class-start');
    if (!this.bar || !this.panel || !this.start) throw new Error('JoinPanelView needs #class-drive, #class-join and #class-start');
    const clicks = {
      'class-start': on.start, 'class-join-toggle': on.toggleJoin, 'class-join-hide': on.toggleJoin,
      'class-pause': on.togglePause, 'class-release': on.toggleRelease, 'class-end': on.end,
    };
    for (const [id, fn] of Object.entries(clicks)) $(id).addEventListener('click', fn);
    this.drawnUrl = null;
    return this;
  }

  render(state) {
    const $ = byId;
    const c = state.classroom;
    const teaching = isTeacher(state);
    this.start.hidden = !!c && c.role === 'student';
    this.start.disabled = teaching || !state.session;
    this.bar.hidden = !c || c.role !== 'teacher';
    this.panel.hidden = !teaching || !c.showJoin;
    if (!c || c.role !== 'teacher') return;
    const joined = c.roster ? c.roster.joined : 0;
    $('class-bar-code').textContent = c.code;
    $('class-bar-joined').textContent = count(joined);
    $('class-bar-state').textContent = c.ended
      ? `ended: ${c.ended}`
      : !c.connected ? 'connecting…' : state.session && state.session.id !== c.sessionId
        ? 'moving the class to the new settings…'
        : c.paused ? 'students paused' : c.released ? 'students explore on their own' : 'students follow';
    for (const id of ['class-join-toggle', 'class-pause', 'class-release', 'class-end']) $(id).disabled = !teaching;
    $('class-join-toggle').setAttribute('aria-pressed', String(c.showJoin));
    $('class-pause').textContent = c.paused ? 'Resume everyone' : 'Pause everyone';
    $('class-pause').setAttribute('aria-pressed', String(c.paused));
    $('class-release').textContent = c.released ? 'Gather the class' : 'Release the class';
    if (!teaching) return;
    $('class-code').textContent = c.code;
    $('class-url').textContent = c.joinUrl;
    $('class-joined').textContent = count(joined);
    if (this.drawnUrl !== c.joinUrl) {
      const svg = qrSvg(c.joinUrl, 320);
      svg.setAttribute('aria-label', `QR code of ${c.joinUrl}`);
      $('class-qr').replaceChildren(svg);
      this.drawnUrl = c.joinUrl;
    }
  }
}
