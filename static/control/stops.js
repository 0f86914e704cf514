/**
 * @fileoverview A lesson's stops, paced by whoever presents it: a teacher,
 * whose class follows (the stop through `goto`, its steps and phase as every
 * step and view reach the class, its question as the class's quiz), or a
 * student alone with Next and Previous stop.  Arriving at a stop takes its
 * steps, shows its phase, opens its derivation at its line, hides its panels
 * and shows its note, by the same state changes a click makes.
 */

import { api } from '../api.js';
import { newDerivation } from '../state/derivation.js';
import { stopLesson } from '../state/lesson.js';
import { lastPhase, phaseIndex } from '../state/phases.js';
import { state } from '../state/store.js';
import { stopPlaying } from './player.js';
import { guarded } from './queue.js';
import { render } from './render.js';
import { createSession, takeTrace } from './session.js';
import { takeSteps } from './work.js';

let classHooks = { opened: () => {}, arrived: () => {} }; // a teacher's class (class/teacher.js)

/** What a class does when its teacher opens a lesson (`opened(doc)`) and arrives at a stop (`arrived(i, stop)`). */
export function onStops(hooks) {
  classHooks = hooks;
}

/** The stop `i` of the lesson on show as the page's note and hidden panels (the lesson link's, state/lesson.js). */
function showStop(doc, i) {
  state.lesson = stopLesson({ ...doc.stops[i], index: i, count: doc.stops.length });
}

/** Open the lesson document `doc` (checked by the server) on its first stop, in a run of its own config when it has one. */
export function openStops(doc) {
  return guarded(() => enterLesson(doc));
}

/** The same, inside an action already under way (control/lessonedit.js checks a document first). */
export async function enterLesson(doc) {
  stopPlaying();
  if (doc.config) await createSession(doc.config);
  state.stops = { doc, index: -1 };
  classHooks.opened(doc);
  await arrive(0);
}

/** The built-in lessons, for the settings' list (none listed when the server cannot say). */
export async function loadLessons() {
  try {
    state.lessonList = await api.lessons();
  } catch {
    state.lessonList = [];
  }
  render();
}

/** Open the built-in lesson `name`. */
export async function startLesson(name) {
  if (!name) return undefined;
  if (state.settingsOpen) state.settingsOpen = false; // the lesson's first stop needs the screen
  return openStops(await api.lesson(name));
}

/** One stop on (+1) or back (−1). */
export function moveStop(delta) {
  const s = state.stops;
  if (!s) return undefined;
  const i = Math.max(0, Math.min(s.doc.stops.length - 1, s.index + delta));
  if (i === s.index) return undefined;
  return guarded(() => arrive(i));
}

/** Close the lesson: its note and hidden panels go, the run stays. */
export function closeStops() {
  state.stops = null;
  state.lesson = null;
  render();
}

async function arrive(i) {
  const doc = state.stops.doc;
  const stop = doc.stops[i];
  stopPlaying();
  state.stops.index = i;
  showStop(doc, i);
  if (stop.step > 0) await takeSteps('the lesson’s steps', stop.step);
  if (stop.phase !== null) {
    if (!state.trace) takeTrace(await api.step(state.session.id, 1)); // a phase is a step's: take one to show it
    state.phase = phaseIndex(stop.phase);
  } else if (stop.step > 0 && state.trace) state.phase = lastPhase(state.session.config);
  state.derivation = stop.derive === null ? null : derivationAt(stop.derive, stop.line ?? 0);
  classHooks.arrived(i, stop);
  render();
}

/** The derivation of the weight "B.1.0" opened at `line` (control/derive.js keeps it at the next step's point). */
function derivationAt(weight, line) {
  const [name, a, b] = weight.split('.');
  return newDerivation(name, Number(a), Number(b), line);
}
