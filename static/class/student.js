/**
 * @fileoverview A student's side of a class: follow the teacher's session
 * over the student's socket (a snapshot first, then every step, frame, phase
 * and command), answer the class quiz, explore an own copy of the run while
 * released, and come back on gather.  A lost socket is opened again and
 * starts with a fresh snapshot.
 */

import { api } from '../api.js';
import { stopPlaying } from '../control/player.js';
import { guarded } from '../control/queue.js';
import { redrawSoon, render } from '../control/render.js';
import { adopt, followValues, setCounters, showSession, showTrace, takeLosses } from '../control/session.js';
import { loadLibraries } from '../lib/libraries.js';
import { tabStorage } from '../lib/storage.js';
import { derivationLines, newDerivation } from '../state/derivation.js';
import { stopLesson } from '../state/lesson.js';
import { addCurve, clearLosses } from '../state/losses.js';
import { LAST_PHASE } from '../state/phases.js';
import { isLost, retryDelay } from '../state/reconnect.js';
import { state } from '../state/store.js';
import { chartValue } from '../state/td.js';
import { studentSocket } from './classapi.js';
import { isFollowing, newClassroom, phaseOf } from './classstate.js';

const KEPT = 'backprop-class-student'; // sessionStorage: this tab's student id, so a reconnect is the same student

// Closes at the class's door (app/api/routes/class_sockets.py): the banner's word before the
// server's reason; the page does not try again (a reload asks once more).
const SHUT_OUT = { 4410: 'Removed', 4423: 'Not let in' };

let socket = null;
let retries = 0;
let ownChart = false; // the chart holds an own run's losses (released): the next snapshot starts it over
// The step on show as far as it has been shown: a step comes with the sample and the weights
// before it, each phase the teacher shows sends what it shows, and its losses come with the loss phase.
let received = null;
let stepState = null; // the step's state, for its losses when they come

function studentId() {
  let id = tabStorage.getItem(KEPT);
  if (!id) {
    const bytes = crypto.getRandomValues(new Uint8Array(12));
    id = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    tabStorage.setItem(KEPT, id);
  }
  return id;
}

/**
 * The teacher's session ({config, state}) on show, from its start; the chart kept when it is the same run.
 * `preview` is the next step's forward pass, as the teacher's diagram shows it before a step;
 * `curve` the run's losses so far (a snapshot's), so that a late joiner sees the curve too.
 */
export function followSession(config, s, preview, keepChart = false, curve = null) {
  showSession(null, config, s);
  state.preview = preview ? { ...preview, point: null } : null;
  const chart = state.chart;
  const last = chart.step.length ? chart.step[chart.step.length - 1] : -1;
  if (!keepChart || last > s.step) {
    if (curve && curve.step.length) Object.assign(chart, { step: [], sample: [], mean: [] }); // the curve fills it
    else clearLosses(chart, chartValue(s));
  }
  if (curve) addCurve(chart, curve, chartValue(s)); // from the start, or the steps missed while away
  state.fit = null; // no session of its own to ask ŷ of
  followValues();
}

/** The entries of the step on show received so far, with `parts` (a fresh step's when `fresh`). */
function takeParts(parts, fresh = false) {
  const before = fresh || !received ? {} : received;
  const adam = parts.adam || before.adam ? { ...(before.adam || {}), ...(parts.adam || {}) } : null;
  received = { ...before, ...parts, ...(adam ? { adam } : {}) };
  showTrace(received);
}

/** A step of the teacher's session: shown from its first phase on, as the teacher shows them. */
function followStep(msg) {
  takeParts(msg.trace, true);
  stepState = msg.state;
  setCounters(msg.state);
  state.phase = -1;
}

/** A play frame: every phase of it is on show. */
export function followFrame(msg) {
  takeParts(msg.trace, true);
  stepState = msg.state;
  takeLosses(msg);
  state.phase = LAST_PHASE;
  followValues();
}

/** The phase the teacher shows, with the entries it shows first and, at the loss, the step's losses. */
function followView(msg) {
  if (msg.trace && received) takeParts(msg.trace);
  if (msg.losses && stepState) takeLosses({ state: stepState, losses: msg.losses });
  state.phase = phaseOf(msg.phase, state.trace);
  followValues(); // the pictures of the step's weights, once its updates are on show (the server says when)
}

/** The teacher's stop of a lesson: its title, note and hidden panels on this page (state/lesson.js). */
function takeStop(stop) {
  state.lesson = stop ? stopLesson(stop) : null;
  // Its derivation, with the numbers the server checked for the class's run (a follower has no session to ask).
  const check = stop && stop.derive !== null && stop.check && state.session ? stop.check : null;
  state.derivation = check ? {
    ...newDerivation(check.matrix, check.row, check.column, stop.line ?? 0),
    check, lines: derivationLines(check, state.session.config, state.B), point: { step: state.counters.step },
  } : null;
  if (state.derivation) state.derivation.line = Math.min(state.derivation.line, state.derivation.lines.length - 1);
}

function onSnapshot(msg) {
  const c = state.classroom;
  Object.assign(c, {
    paused: msg.paused, released: msg.released, quiz: msg.quiz, answer: msg.answer, result: null, spotlight: msg.spotlight ?? null,
  });
  if (!c.following) return; // released with an own session: that stays on show
  followSession(msg.config, msg.state, msg.preview, !ownChart, msg.losses);
  takeStop(msg.class ? msg.class.stop : null);
  ownChart = false;
  received = null;
  stepState = msg.state;
  if (msg.trace) {
    takeParts(msg.trace, true);
    state.phase = phaseOf(msg.phase, state.trace);
  }
}

const HANDLERS = {
  snapshot: onSnapshot,
  step: (msg) => isFollowing(state) && followStep(msg),
  frame: (msg) => isFollowing(state) && followFrame(msg),
  session: (msg) => {
    if ('quiz' in msg) Object.assign(state.classroom, { quiz: msg.quiz, answer: null, result: null });
    if (isFollowing(state)) followSession(msg.config, msg.state, msg.preview);
  },
  view: (msg) => isFollowing(state) && followView(msg),
  pause: () => (state.classroom.paused = true),
  resume: () => (state.classroom.paused = false),
  quiz: (msg) => {
    Object.assign(state.classroom, { quiz: { target: msg.target, index: msg.index, revealed: false, round: msg.round || 1 }, answer: null, result: null, error: null });
    // The projector goes back to the phase before the one that shows the answer.
    if (isFollowing(state) && 'phase' in msg) state.phase = Math.min(state.phase, phaseOf(msg.phase, state.trace));
  },
  stop: (msg) => isFollowing(state) && takeStop(msg),
  revote: (msg) => {
    const c = state.classroom;
    if (c.quiz) Object.assign(c, { quiz: { ...c.quiz, round: msg.round }, answer: null, result: null, error: null });
  },
  reveal: (msg) => {
    state.classroom.quiz = { target: msg.target, index: msg.index, revealed: true, value: msg.value, round: msg.round };
    if (isFollowing(state)) followValues(); // the pictures held back while the question was open
  },
  result: (msg) => (state.classroom.result = msg),
  answered: (msg) => Object.assign(state.classroom, { answer: msg.value, error: null }),
  error: (msg) => (state.classroom.error = msg.message),
  mine: (msg) => (state.classroom.tag = msg.student), // this student's run, as the class knows it
  spotlight: (msg) => {
    const c = state.classroom;
    c.spotlight = msg.student;
    if (!c.released) return;
    if (msg.student && msg.student !== c.tag) guarded(watch);
    else if (!msg.student) guarded(backToMine);
  },
  release: (msg) => {
    state.classroom.released = true;
    guarded(() => explore(msg.document));
  },
  gather: () => {
    state.classroom.released = false;
    guarded(gather);
  },
  ended: (msg) => {
    state.classroom.ended = msg.reason || 'the class ended';
    state.classroom.paused = false;
  },
};

/** Released: an own session continuing the teacher's run, with every control. */
async function explore(document) {
  const c = state.classroom;
  if (!c.released || !c.following || c.ended) return;
  adopt(await api.importSession(document));
  c.following = false;
  tellMine();
}

/** Released with a run of one's own: the teacher sees it, under a tag, never a name. */
function tellMine() {
  const c = state.classroom;
  if (c.released && !c.following && state.session && state.session.id && socket) socket.send({ type: 'mine', session: state.session.id });
}

/** The teacher spotlights another student's run: this page follows it, its own run kept aside. */
async function watch() {
  const c = state.classroom;
  if (c.following || c.ended) return;
  stopPlaying();
  c.own = state.session && state.session.id;
  c.following = true;
  ownChart = true;
  if (socket) socket.close();
  connect(); // its snapshot is the spotlighted run
}

/** The spotlight ends: back to this student's own run, where it was. */
async function backToMine() {
  const c = state.classroom;
  if (!c.own || c.ended) return;
  const body = await api.read(c.own);
  c.own = null;
  c.following = false;
  adopt(body);
}

/** Gathered: the own session goes, and a fresh snapshot brings the teacher's run back. */
async function gather() {
  const c = state.classroom;
  if ((c.following && !c.own) || c.ended) return;
  stopPlaying();
  if (c.own || (state.session && state.session.id)) {
    const own = c.own || state.session.id; // a student watching a spotlight keeps theirs aside
    c.own = null;
    state.session = { ...state.session, id: null }; // nothing more is asked of it
    api.remove(own).catch(() => {});
  }
  c.following = true;
  ownChart = true;
  if (socket) socket.close();
  connect();
}

function connect() {
  const c = state.classroom;
  socket = studentSocket(c.code, studentId(), {
    onOpen: () => {
      c.connected = true;
      retries = 0;
      tellMine(); // again after a reconnect: the class keeps one run a student
      render();
    },
    onMessage: (msg) => {
      const handle = HANDLERS[msg.type];
      if (!handle || !state.classroom) return;
      handle(msg);
      redrawSoon();
    },
    onClose,
  });
}

function onClose(code, reason) {
  const c = state.classroom;
  socket = null;
  c.connected = false;
  const delay = isLost(code) && !c.ended ? retryDelay(retries) : null;
  if (delay !== null) {
    retries += 1;
    setTimeout(connect, delay * 1000);
  } else if (!c.ended) {
    c.ended = code === 4404 ? 'this class is over, or its code is wrong' : reason || 'the connection to the class was lost';
    c.endedAs = SHUT_OUT[code] || null;
  }
  render();
}

/** Send the answer to the open quiz (the server checks it is a finite number; the last one counts). */
export function sendAnswer(value) {
  if (value instanceof Error) state.classroom.error = value.message;
  else if (!socket || !socket.send({ type: 'answer', value })) state.classroom.error = 'not connected: try again in a moment';
  render();
}

/** The page of class `code`: the data sets first (the diagram needs D), then follow. */
export async function startStudent(code) {
  state.classroom = newClassroom('student', code);
  try {
    state.datasets = await api.datasets();
    api.source().then((source) => {
      state.source = source;
      render();
    }, () => {});
  } catch (err) {
    state.notice = err.message;
  }
  connect();
  await loadLibraries().then(render, (err) => {
    state.notice = err.message;
  });
  document.body.dataset.ready = 'true';
  render();
}
