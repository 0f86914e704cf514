/**
 * @fileoverview The teacher's class bar and the projector's join panel: the
 * code in large type, a QR code of the join link, how many have joined (a
 * count, never names), and the buttons that pause, release, gather, download
 * the report (after the class too) and end.
 * Any other button of the bar with a data-command, or form with one, sends that
 * command as it is (a form's named fields with it): a new command of the
 * class needs its button in the page and nothing here.
 */

import { byId } from '../lib/dom.js';
import { count } from '../lib/format.js';
import { isTeacher } from './classstate.js';
import { putAttr, putProp, putText } from './put.js';
import { qrSvg } from './qr.js';

export class JoinPanelView {
  /** @param {{start, toggleJoin, togglePause, toggleRelease, report, end, command}} on  what the buttons do */
  init(on) {
    const $ = byId;
    this.bar = $('class-drive');
    this.panel = $('class-join');
    this.start = $('class-start');
    if (!this.bar || !this.panel || !this.start) throw new Error('JoinPanelView needs #class-drive, #class-join and #class-start');
    const clicks = {
      'class-start': on.start, 'class-join-toggle': on.toggleJoin, 'class-join-hide': on.toggleJoin,
      'class-pause': on.togglePause, 'class-release': on.toggleRelease, 'class-report': on.report, 'class-end': on.end,
    };
    for (const [id, fn] of Object.entries(clicks)) $(id).addEventListener('click', fn);
    this.bar.addEventListener('click', (event) => {
      const button = event.target.closest('button[data-command]');
      if (button && !button.form) on.command(button.dataset.command, {});
    });
    this.bar.addEventListener('submit', (event) => {
      const form = event.target.closest('form[data-command]');
      if (!form) return;
      event.preventDefault();
      on.command(form.dataset.command, Object.fromEntries(new FormData(form)));
    });
    this.drawnUrl = null;
    return this;
  }

  render(state) {
    const $ = byId;
    const c = state.classroom;
    const teaching = isTeacher(state);
    putProp(this.start, 'hidden', !!c && c.role === 'student');
    putProp(this.start, 'disabled', teaching || !state.session);
    putProp(this.bar, 'hidden', !c || c.role !== 'teacher');
    putProp(this.panel, 'hidden', !teaching || !c.showJoin);
    if (!c || c.role !== 'teacher') return;
    const joined = c.roster ? c.roster.joined : 0;
    putText('class-bar-code', c.code);
    putText('class-bar-joined', count(joined));
    const said = c.ended
      ? `ended: ${c.ended}`
      : !c.connected ? 'connecting…' : c.watching ? `the class watches ${c.spotlight}’s run`
        : state.session && state.session.id !== c.sessionId
        ? 'moving the class to the new settings…'
        : c.paused ? 'students paused' : c.released ? 'students explore on their own' : 'students follow';
    putText('class-bar-state', said);
    // On a narrow bar the line is cut short (…) rather than pushing the buttons to a row of their own.
    putAttr($('class-bar-status'), 'title', `Class ${c.code} · ${count(joined)} joined · ${said}`);
    for (const id of ['class-join-toggle', 'class-pause', 'class-release', 'class-end']) putProp($(id), 'disabled', !teaching);
    putProp($('class-report'), 'disabled', !c.key); // the report outlives the class
    putAttr($('class-join-toggle'), 'aria-pressed', String(c.showJoin));
    putText('class-pause', c.paused ? 'Resume everyone' : 'Pause everyone');
    putAttr($('class-pause'), 'aria-pressed', String(c.paused));
    putText('class-release', c.released ? 'Gather the class' : 'Release the class');
    if (!teaching) return;
    putText('class-code', c.code);
    putText('class-url', c.joinUrl);
    putText('class-join-note', c.joinNote ? `Phones cannot open this link: ${c.joinNote}.` : '');
    putProp($('class-join-note'), 'hidden', !c.joinNote);
    putText('class-joined', count(joined));
    if (this.drawnUrl !== c.joinUrl) {
      const url = c.joinUrl;
      this.drawnUrl = url;
      qrSvg(url, 320).then((svg) => {
        if (this.drawnUrl !== url) return; // another class's code came meanwhile
        svg.setAttribute('aria-label', `QR code of ${url}`);
        $('class-qr').replaceChildren(svg);
      }, (err) => {
        $('class-qr').textContent = `The QR code cannot be drawn (${err.message}); the link above works.`;
      });
    }
  }
}
