/**
 * @fileoverview The teacher's side of a class: start it for the session on
 * show, drive it over the teacher's socket (hello with the key first), keep
 * the roster, and tell the students the phase on show.  Steps, play frames
 * and resets reach the students from the server itself, which sees the
 * teacher's session move.
 */

import { api } from '../api.js';
import { download } from '../control/files.js';
import { stopPlaying } from '../control/player.js';
import { guarded } from '../control/queue.js';
import { redrawSoon, render } from '../control/render.js';
import { adopt } from '../control/session.js';
import { tabStorage } from '../lib/storage.js';
import { isLost, retryDelay } from '../state/reconnect.js';
import { state } from '../state/store.js';
import { onStops } from '../control/stops.js';
import { classApi, teacherSocket } from './classapi.js';
import { HELD_NOTICE, isTeacher, newClassroom, phaseName, trueValue } from './classstate.js';
import { followFrame, followSession } from './student.js'; // a projector watching a student's run, as students do

const KEPT = 'backprop-class-teacher'; // sessionStorage: this tab's class {code, key}

let socket = null;
let retries = 0;
let sentPhase = null; // the phase the students were last told
let moving = null; // the session the class was asked to follow, until the server says done

function connect() {
  const c = state.classroom;
  socket = teacherSocket(c.code, {
    onOpen: (s) => {
      s.send({ type: 'hello', key: c.key });
      c.connected = true;
      retries = 0;
      sentPhase = undefined; // tell them again: a phase may have been lost with the socket
      moving = null;
      syncClass(state);
    },
    onMessage,
    onClose,
  });
}

function onMessage(msg) {
  const c = state.classroom;
  if (!c) return;
  if (msg.type === 'roster' || msg.type === 'runs') {
    if (msg.type === 'roster') c.roster = msg;
    else Object.assign(c, { runs: msg.runs, spotlight: msg.spotlight ?? null });
    redrawSoon(); // with the next frame, not on its own: each comes up to four times a second
    return;
  }
  else if (msg.type === 'error') {
    state.notice = `The class: ${msg.message}`;
    if (msg.of === 'quiz') c.quiz = null; // not asked: the page is not held for it
    if (msg.of === 'spotlight') c.spotlight = null;
  }
  else if (msg.type === 'spotlight') watchRun(msg.student);
  else if (msg.type === 'session' || msg.type === 'frame') {
    if (!c.watching) return;
    if (msg.type === 'frame') followFrame(msg);
    else followSession(msg.config, msg.state, msg.preview);
    redrawSoon(); // with the next frame, as a student's page draws what it follows
    return;
  }
  else if (msg.type === 'done' && msg.of === 'follow') {
    Object.assign(c, { sessionId: moving, quiz: null });
    sentPhase = null;
  } else return;
  render();
}

/**
 * A student's run on show (its tag), or none: the projector shows it read-only as the students do
 * (its session and frames come over the teacher's socket), then the teacher's own run again.
 */
function watchRun(tag) {
  const c = state.classroom;
  c.spotlight = tag;
  c.quiz = null; // the server closed the question with the move (a spotlight on or off): none stays on show
  if (tag && !c.watching) {
    stopPlaying();
    c.watching = true;
  } else if (!tag && c.watching) {
    c.watching = false;
    guarded(async () => adopt(await api.read(c.sessionId)));
  }
}

function onClose(code, reason) {
  const c = state.classroom;
  socket = null;
  if (!c) return;
  c.connected = false;
  const delay = isLost(code) ? retryDelay(retries) : null;
  if (delay !== null) {
    retries += 1;
    setTimeout(() => state.classroom === c && connect(), delay * 1000);
  } else {
    c.ended = reason || 'the class ended';
    tabStorage.removeItem(KEPT);
  }
  render();
}

function send(type, fields = {}) {
  if (!socket || !socket.send({ type, ...fields })) state.notice = 'The class is reconnecting; try again in a moment.';
}

/**
 * After every redraw: a new session (new settings) is the class's from now on, and the
 * students are told the phase on show when it changed.
 */
export function syncClass(s) {
  const c = s.classroom;
  if (!c || c.role !== 'teacher' || c.ended || c.watching || !s.session || !socket || !socket.open) return;
  if (s.session.id !== c.sessionId) {
    if (moving !== s.session.id) {
      moving = s.session.id; // asked once: a refusal is in the notice line, not asked again
      socket.send({ type: 'follow', session: moving });
    }
    return;
  }
  syncPhase(s);
}

function syncPhase(s) {
  if (!isDriving(s)) return;
  const name = phaseName(s);
  const shown = name === null ? null : `${s.counters.step}:${name}`; // each step's phases, from its first
  if (shown === sentPhase) return;
  sentPhase = shown;
  if (name !== null) socket.send({ type: 'view', phase: name });
}

function isDriving(s) {
  const c = s.classroom;
  return !!c && c.role === 'teacher' && !c.ended && s.session && s.session.id === c.sessionId;
}

// What of the class this tab keeps across a reload, besides its code and key.
const KEPT_FIELDS = ['joinUrl', 'joinNote', 'sessionId', 'paused', 'released', 'quiz'];

/** The page goes away (a reload): the class as it stands, for the tab's next page to go on with. */
function keepClass() {
  const c = state.classroom;
  if (!c || c.role !== 'teacher' || c.ended) return;
  const kept = { code: c.code, key: c.key };
  for (const name of KEPT_FIELDS) kept[name] = c[name];
  tabStorage.setItem(KEPT, JSON.stringify(kept));
}
window.addEventListener('pagehide', keepClass);

/**
 * After a reload: the class this tab started goes on with the run it followed, which the page
 * has taken back (control/keep.js); when that run is gone, the class follows the page's fresh one.
 */
// A lesson opened and paced on this page: the class gets it and each stop; a stop's question is asked.
onStops({
  opened: (doc) => isTeacher(state) && send('lesson', { lesson: doc }),
  arrived: (i, stop) => {
    if (!isTeacher(state)) return;
    send('goto', { stop: i });
    if (stop.ask && state.trace) teacher.ask(stop.ask);
  },
});

export function resumeTeaching() {
  const kept = JSON.parse(tabStorage.getItem(KEPT) || 'null');
  if (!kept || !state.session || state.classroom) return;
  const extra = { showJoin: false };
  for (const name of KEPT_FIELDS) if (kept[name] !== undefined) extra[name] = kept[name];
  state.classroom = newClassroom('teacher', kept.code, {
    ...extra, key: kept.key, joinUrl: kept.joinUrl || `${location.origin}/c/${kept.code}`,
  });
  connect();
  render();
}

export const teacher = {
  /** A class of the session on show: POST, keep the key for this tab, open the socket. */
  start: () =>
    guarded(async () => {
      if (!state.session || (state.classroom && !state.classroom.ended)) return;
      const body = await classApi.start(state.session.id);
      const link = { joinUrl: body.join_url, joinNote: body.join_note || null }; // one phones can reach, or why not
      const sessionId = state.session.id;
      tabStorage.setItem(KEPT, JSON.stringify({ code: body.code, key: body.teacher_key, ...link, sessionId }));
      state.classroom = newClassroom('teacher', body.code, {
        ...link, key: body.teacher_key, sessionId,
      });
      sentPhase = null;
      connect();
    }),
  toggleJoin: () => {
    state.classroom.showJoin = !state.classroom.showJoin;
    render();
  },
  togglePause: () => {
    const c = state.classroom;
    c.paused = !c.paused;
    send(c.paused ? 'pause' : 'resume');
    render();
  },
  toggleRelease: () => {
    const c = state.classroom;
    c.released = !c.released;
    if (!c.released) Object.assign(c, { runs: [], spotlight: null }); // gathered: the spotlight ends too
    send(c.released ? 'release' : 'gather');
    render();
  },
  /** The class watches a released student's run (its tag), read-only; null: the teacher's own again. */
  spotlight: (tag) => {
    const c = state.classroom;
    if (!isTeacher(state) || !c.released) return; // while the projector watches a run too
    c.spotlight = tag;
    send('spotlight', { student: tag });
    render();
  },
  /** Ask the class for one entry of the step on show. */
  ask: (quiz) => {
    if (!state.trace) return;
    // Its answer, kept for the reveal (the server keeps the same: the entry of the step asked about);
    // until then the page shows no phase that computes it (holdQuestion).
    state.classroom.quiz = { ...quiz, revealed: false, round: 1, value: trueValue(state.trace, quiz) };
    send('quiz', { target: quiz.target, index: quiz.index });
    render();
  },
  /** Round 1 closes and round 2 opens: the class discusses, then answers again. */
  revote: () => {
    const q = state.classroom.quiz;
    if (!q || q.revealed || (q.round || 1) >= 2) return;
    q.round = 2;
    send('revote');
    render();
  },
  reveal: () => {
    const q = state.classroom.quiz;
    if (!q || q.revealed) return;
    q.revealed = true;
    if (state.notice === HELD_NOTICE) state.notice = null; // revealed: Next goes on
    send('reveal');
    render();
  },
  /** A command as the page's button or form names it (data-command), sent as it is. */
  command: (type, fields) => {
    if (!isDriving(state)) return;
    send(type, fields);
  },
  /** The class's report, one row per question and round, as a file. */
  report: () =>
    guarded(async () => {
      const c = state.classroom;
      if (!c || !c.key) return;
      download(`class-${c.code}-report.csv`, await classApi.report(c.code, c.key));
    }),
  end: () =>
    guarded(async () => {
      const c = state.classroom;
      if (!c || c.ended) return;
      if (socket) socket.close();
      socket = null;
      await classApi.end(c.code, c.key).catch(() => {}); // already over is over
      c.ended = 'you ended the class';
      c.connected = false;
      tabStorage.removeItem(KEPT);
    }),
};
