/**
 * @fileoverview Lessons: the note at the top and the parts hidden, from the
 * lesson link the page was opened with; and the teacher's form that makes such
 * a link for the run on show (parts to hide, a short note).
 */

import { setProp, setText } from '../lib/dom.js';
import { LESSON_PARTS, MAX_NOTE, boundedNote } from '../state/lesson.js';
import { linkToRun } from '../state/link.js';

const HIDDEN = 'lesson-hidden';

export class LessonView {
  /** @param {HTMLElement} banner  the note at the top  @param {HTMLElement} panel  the teacher's form */
  init(banner, panel) {
    if (!banner || !panel) throw new Error('LessonView needs its banner and its panel');
    this.banner = banner;
    this.note = banner.querySelector('#lesson-note');
    this.ignored = banner.querySelector('#lesson-ignored');
    this.parts = panel.querySelector('#lesson-parts');
    this.input = panel.querySelector('#lesson-note-input');
    this.count = panel.querySelector('#lesson-count');
    // A note in any script reads in its own direction, isolated from the page's (the CSS: per line).
    this.note.dir = 'auto';
    this.link = panel.querySelector('#lesson-link');
    panel.querySelector('#lesson-make').addEventListener('click', () => this._make());
    this.input.maxLength = MAX_NOTE;
    this.input.dir = 'auto';
    for (const part of LESSON_PARTS) {
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.name = `hide-${part.name}`;
      box.value = part.name;
      label.append(box, ` ${part.label}`);
      this.parts.appendChild(label);
    }
    panel.addEventListener('input', () => this._count());
    this.applied = undefined;
    this.state = null;
    return this;
  }

  /** The lesson the form describes. */
  read() {
    const hide = [...this.parts.querySelectorAll('input:checked')].map((box) => box.value);
    return { note: boundedNote(this.input.value).note, hide };
  }

  render(state) {
    this.state = state;
    const lesson = state.lesson;
    if (lesson !== this.applied) this._apply(lesson);
    this._stops(state);
    this._draft(state);
    this._count();
  }

  /** The link of the lesson made here, selected for copying. */
  showLink(link) {
    const out = document.getElementById('draft-link-out');
    out.value = link;
    out.hidden = !link;
    if (link) out.select();
  }

  /** The stops of the lesson made here, each with up, down and delete. */
  _draft(state) {
    const list = document.getElementById('draft-stops');
    const stops = state.draftLesson ? state.draftLesson.stops : [];
    const key = JSON.stringify(stops);
    if (key === this.drafted) return;
    this.drafted = key;
    const button = (text, i, move, label) => {
      const b = document.createElement('button');
      Object.assign(b, { type: 'button', textContent: text });
      b.dataset.stop = String(i);
      b.dataset.move = move;
      b.setAttribute('aria-label', `${label} stop ${i + 1}`);
      return b;
    };
    list.replaceChildren(...stops.map((stop, i) => {
      const li = document.createElement('li');
      const what = [stop.phase, stop.derive && `derives ${stop.derive}`, stop.step && `+${stop.step} steps`, stop.ask && 'asks'];
      li.append(`${stop.title} (${what.filter(Boolean).join(', ') || 'as it is'}) `,
        button('↑', i, '-1', 'move up'), button('↓', i, '1', 'move down'), button('✕', i, 'delete', 'delete'));
      return li;
    }));
    for (const id of ['draft-open', 'draft-file', 'draft-link']) setProp(document.getElementById(id), 'disabled', !stops.length);
  }

  /** A lesson's stop: "Stop 3 of 8: its title", with Previous and Next where this page paces the lesson. */
  _stops(state) {
    const $ = (id) => document.getElementById(id);
    const stop = state.lesson && state.lesson.stop;
    const pacing = Boolean(stop && state.stops);
    const said = stop ? `Stop ${stop.index + 1} of ${stop.count}: ${stop.title}` : '';
    setProp($('lesson-stops'), 'hidden', !pacing);
    setProp($('lesson-stop-only'), 'hidden', !stop || pacing);
    setText($(pacing ? 'lesson-stop' : 'lesson-stop-only'), said);
    if (pacing) {
      setProp($('stop-prev'), 'disabled', stop.index === 0);
      setProp($('stop-next'), 'disabled', stop.index === stop.count - 1);
    }
    const pick = $('lesson-pick');
    const names = state.lessonList.map((l) => l.name).join('|');
    if (pick.dataset.names !== names) {
      pick.replaceChildren(...state.lessonList.map((l) => new Option(`${l.title} (${l.stops} stops)`, l.name)));
      pick.dataset.names = names;
    }
    setProp($('lesson-start'), 'disabled', !state.lessonList.length);
  }

  /** The link's lesson on the page: the note as text (never markup), its parts hidden, the form filled from it. */
  _apply(lesson) {
    this.applied = lesson;
    this.banner.hidden = !lesson;
    for (const el of document.querySelectorAll(`.${HIDDEN}`)) el.classList.remove(HIDDEN);
    if (!lesson) return;
    this.note.textContent = lesson.note;
    this.note.hidden = !lesson.note;
    this.ignored.textContent = lesson.ignored.length ? `Not taken from this link: ${lesson.ignored.join('; ')}.` : '';
    this.ignored.hidden = !lesson.ignored.length;
    for (const part of LESSON_PARTS) {
      const hide = lesson.hide.includes(part.name);
      if (hide) for (const el of document.querySelectorAll(part.selector)) el.classList.add(HIDDEN);
      this.parts.querySelector(`input[value=${part.name}]`).checked = hide;
    }
    this.input.value = lesson.note;
  }

  _count() {
    setText(this.count, `${Array.from(this.input.value).length}/${MAX_NOTE}`);
  }

  /** The link to the run on show as it is now, with the form's lesson, selected for copying. */
  _make() {
    if (!this.state || !this.state.session) return;
    this.link.value = linkToRun(this.state, this.read());
    this.link.hidden = false;
    this.link.select();
  }
}
