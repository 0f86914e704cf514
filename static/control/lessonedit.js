/**
 * @fileoverview A teacher's own lesson, made on the page: "Save this view as
 * a stop" (its phase, the derivation line on show, the parts ticked hidden,
 * the note and the class's open question), reorder and delete the stops, and
 * the lesson as a file or a link; a lesson opened from a file or a link is
 * checked by the server as any other input before it is shown.
 */

import { api } from '../api.js';
import { weightName } from '../state/derivation.js';
import { PHASES } from '../state/phases.js';
import { recreatingConfig } from '../state/config.js';
import { state } from '../state/store.js';
import { downloadJSON } from './files.js';
import { guarded } from './queue.js';
import { render } from './render.js';
import { enterLesson } from './stops.js';

export const LINK_KEY = 'lesson'; // the address's fragment: #lesson=<the document, base64url>

/** The lesson being made: {title, config, stops, steps: the step each stop was saved at}. */
function draft() {
  if (!state.draftLesson) {
    state.draftLesson = { title: 'My lesson', config: recreatingConfig(state.session.config), stops: [], steps: [] };
  }
  return state.draftLesson;
}

/** The view on show as the lesson's next stop, titled `title`, with the form's `note` and `hide`. */
export function saveStop(title, { note, hide }) {
  if (!state.session || !state.session.id) return;
  const d = draft();
  const at = state.counters.step;
  const before = d.steps.length ? d.steps[d.steps.length - 1] : 0;
  const dv = state.derivation;
  const q = state.classroom && state.classroom.quiz && !state.classroom.quiz.revealed ? state.classroom.quiz : null;
  d.stops.push({
    title: (title.trim() || `Stop ${d.stops.length + 1}`).slice(0, 80),
    note,
    phase: state.trace && state.phase >= 0 ? PHASES[state.phase].id : null,
    step: Math.max(0, at - before),
    derive: dv ? weightName(dv.name, dv.a, dv.b) : null,
    line: dv ? dv.line : null,
    hide,
    ask: q ? { target: q.target, index: q.index } : null,
  });
  d.steps.push(Math.max(at, before));
  render();
}

/** Move stop `i` by `delta` (−1 up, +1 down), or delete it (delta null). */
export function editStop(i, delta) {
  const d = state.draftLesson;
  if (!d || !d.stops[i]) return;
  if (delta === null) {
    d.stops.splice(i, 1);
    d.steps.splice(i, 1);
  } else {
    const j = i + delta;
    if (j < 0 || j >= d.stops.length) return;
    [d.stops[i], d.stops[j]] = [d.stops[j], d.stops[i]];
  }
  render();
}

/** The lesson document as made here (the steps each stop takes as saved). */
export function lessonDocument() {
  const d = state.draftLesson;
  return d && d.stops.length ? { title: d.title, config: d.config, stops: d.stops } : null;
}

export function exportLessonFile() {
  const doc = lessonDocument();
  if (doc) downloadJSON('backprop-lesson.json', doc);
}

/** A link that opens the lesson, solo, on any copy of the page (the document rides in the fragment). */
export function lessonLink() {
  const doc = lessonDocument();
  if (!doc) return '';
  const bytes = new TextEncoder().encode(JSON.stringify(doc));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  const b64 = btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `${location.origin}${location.pathname}#${LINK_KEY}=${b64}`;
}

/** The document a link's fragment carries, or null. */
export function linkedLesson(hash) {
  const m = new RegExp(`^#${LINK_KEY}=([A-Za-z0-9_-]+)$`).exec(hash || '');
  if (!m) return null;
  try {
    const binary = atob(m[1].replace(/-/g, '+').replace(/_/g, '/'));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
  } catch {
    return { title: '' }; // a damaged link: the server's check says what is missing
  }
}

/** Open a lesson file (JSON, at most the server's size for a lesson). */
export async function openLessonFile(file) {
  let doc;
  try {
    doc = JSON.parse(await file.text());
  } catch {
    state.notice = `${file.name} is not a lesson: it is not JSON.`;
    render();
    return undefined;
  }
  return openLessonDocument(doc);
}

/** Open a lesson document from a file or a link: the server checks it first, and says what is wrong. */
export function openLessonDocument(doc) {
  return guarded(async () => {
    await enterLesson(await api.checkLesson(doc));
  });
}
