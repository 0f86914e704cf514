/**
 * @fileoverview What a student's page shows of the class around the lesson:
 * the banner naming the class, the cover while the teacher has everyone's
 * eyes on the front, the end of the class, and the page's own controls off
 * while it follows the teacher.
 */

import { byId, mark } from '../lib/dom.js';
import { isFollowing } from './classstate.js';
import { putProp, putText } from './put.js';

// Where the controls that change the session are; the log scale and presenter mode stay the student's.
const DRIVING = '.controls button, .controls select, #settings :is(input, select, button), #hand-preset, '
  + '#sample-editor :is(input, button), #weight-editor :is(input, button), #import-session, #gradcheck-run, '
  + '#replay-toggle, #compare-tiles';
const OWN = new Set(['presenter-toggle', 'log-scale']);

export class BannerView {
  /** @param {HTMLElement} body  the page's body, whose classes say the page follows */
  init(body) {
    this.body = body;
    this.banner = byId('class-banner');
    this.cover = byId('class-cover');
    if (!body || !this.banner || !this.cover) throw new Error('BannerView needs #class-banner and #class-cover');
    return this;
  }

  render(state) {
    const c = state.classroom;
    const student = !!c && c.role === 'student';
    const following = isFollowing(state);
    mark(this.body, 'class-student', student);
    mark(this.body, 'class-following', following && !c.ended);
    putProp(this.banner, 'hidden', !student);
    putProp(this.cover, 'hidden', !student || !c.paused || !!c.ended);
    if (following !== this.following) this.disable(following); // the settings form may have been rebuilt meanwhile
    else if (following) this.disable(true);
    this.following = following;
    if (!student) return;
    const now = c.ended ? 'ended' : !c.following ? 'released' : c.connected ? 'following' : 'connecting';
    if (this.body.dataset.classState !== now) this.body.dataset.classState = now;
    putText('class-banner-code', c.code);
    const spotlit = c.released && c.spotlight;
    putText('class-banner-text', c.ended
      ? `${c.endedAs || 'Class ended'}: ${c.ended}.`
      : spotlit && c.spotlight === c.tag ? `Your run (${c.tag}) is on the projector: the class watches what you do.`
        : !c.following ? 'Released: this run is yours now, with every control. The teacher will gather the class.'
          : spotlit ? `The class watches ${c.spotlight}’s run, read-only; yours waits where you left it.`
            : c.connected ? 'You follow the teacher: the page shows what the projector shows.' : 'Connecting to the class…');
    putProp(byId('class-banner-own'), 'hidden', !c.ended);
  }

  /** The driving controls off while following; those turned off here are turned on again after. */
  disable(off) {
    for (const el of document.querySelectorAll(DRIVING)) {
      if (OWN.has(el.id)) continue;
      if (off && !el.disabled) {
        el.disabled = true;
        el.dataset.classOff = 'true';
      } else if (!off && el.dataset.classOff) {
        el.disabled = false;
        delete el.dataset.classOff;
      }
    }
  }
}
