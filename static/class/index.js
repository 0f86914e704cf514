/**
 * @fileoverview Classroom mode wired into the page: its views (drawn after
 * the others, so that a following student's controls stay off), the keys a
 * following student may not press, and the start of a student's page
 * (<body data-class=CODE>) in place of a session of its own.
 */

import { state } from '../state/store.js';
import { BannerView } from './banner.js';
import { HELD_NOTICE, isFollowing, questionCap } from './classstate.js';
import { DoorPanelView } from './doorpanel.js';
import { JoinPanelView } from './joinpanel.js';
import { QuizPanelView } from './quizpanel.js';
import { RunsGridView } from './runsgrid.js';
import { sendAnswer, startStudent } from './student.js';
import { resumeTeaching, syncClass, teacher } from './teacher.js';

// The page's keys that drive a session; a following student's page leaves them alone.
const DRIVING_KEYS = new Set(['n', 's', 'e', 'p', ' ', 'r', 'q', 'g', 'escape', '[', ']']);

function blockKeys(event) {
  if (!isFollowing(state) || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target.closest && event.target.closest('input, select, textarea')) return;
  if (DRIVING_KEYS.has(event.key.toLowerCase())) event.stopImmediatePropagation();
}

/**
 * Before each drawing: while a class's question is open, the page shows no phase that
 * computes its answer (a step, Next or play would): it stays at the phase before, and says why.
 */
export function holdQuestion(s) {
  if (!s.trace || !s.classroom) return;
  const cap = questionCap(s);
  if (s.phase <= cap) return;
  s.phase = cap;
  if (s.classroom.role === 'teacher') {
    s.notice = HELD_NOTICE;
  }
}

/** The class's views, for the page's list of views (last). */
export function classViews() {
  return [
    new JoinPanelView().init(teacher),
    new DoorPanelView().init(), // its buttons carry data-command: the class bar sends them
    new RunsGridView().init({ spotlight: teacher.spotlight }),
    new QuizPanelView().init({ ask: teacher.ask, revote: teacher.revote, reveal: teacher.reveal, answer: sendAnswer }),
    new BannerView().init(document.body),
    { render: syncClass }, // the teacher's students follow its session and the phase on show
  ];
}

/**
 * A student's page follows its class; any other page starts as `bootPage` does, and goes on
 * teaching the class this tab started before a reload.
 */
export async function bootClassroom(bootPage) {
  const code = document.body.dataset.class;
  if (!code) {
    await bootPage();
    resumeTeaching();
    return undefined;
  }
  window.addEventListener('keydown', blockKeys, true);
  return startStudent(code);
}
