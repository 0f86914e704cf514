/**
 * @fileoverview What the buttons and keys do: step through a phase, a step,
 * an epoch; stop a long one; reset; the quiz's reveal; the toggles; the
 * gradient check and the hand-check preset.  Each goes through the queue when
 * it asks the server; those that take steps wait while a long job is on show.
 */

import { api } from '../api.js';
import { byId } from '../lib/dom.js';
import { parseNumber } from '../lib/parse.js';
import { HAND_PRESET } from '../state/config.js';
import { lastPhase, nextPhase } from '../state/phases.js';
import { questionFor } from '../state/quiz.js';
import { state } from '../state/store.js';
import { isEpisodic } from '../state/td.js';
import { working } from '../state/work.js';
import { changeRate, togglePlay } from './play.js';
import { stopPlaying } from './player.js';
import { guarded } from './queue.js';
import { render, renderNow } from './render.js';
import { adopt, createSession, takeTrace } from './session.js';
import { stepToEpisodeEnd, stopWork, takeSteps } from './work.js';

/** Move to the next phase; in quiz mode, ask first when that phase reveals a number. */
function advancePhase() {
  const next = nextPhase(state.session.config, state.phase);
  if (state.quizMode && (!state.quiz || state.quiz.phaseIndex !== next)) {
    const q = questionFor(next, state.trace, state.counters.step);
    if (q) {
      state.quiz = q;
      return;
    }
  }
  if (state.quiz && state.quiz.phaseIndex === next && state.quiz.guess === null) return; // waiting
  state.phase = next;
}

/** `action`, unless a job of several calls is on show: its Stop comes first. */
function unlessWorking(action) {
  return (...args) => (working(state) ? undefined : action(...args));
}

export const actions = {
  nextPhase: unlessWorking(() =>
    guarded(async () => {
      stopPlaying();
      if (state.trace && state.phase < lastPhase(state.session.config)) {
        advancePhase();
        return;
      }
      takeTrace(await api.step(state.session.id, 1));
      state.phase = -1;
      state.quiz = null;
      advancePhase();
    })),
  reveal: (text) => {
    const guess = parseNumber(text, 'your guess');
    if (!state.quiz || guess instanceof Error) return;
    state.quiz.guess = guess;
    state.phase = state.quiz.phaseIndex;
    render();
    byId('next-phase').focus();
  },
  step: unlessWorking(() =>
    guarded(async () => {
      stopPlaying();
      takeTrace(await api.step(state.session.id, 1));
      state.phase = lastPhase(state.session.config);
      state.quiz = null;
    })),
  epoch: unlessWorking(() =>
    guarded(async () => {
      stopPlaying();
      // TD and control mode: E plays out the episode under way; else the rest of the pass over D.
      if (isEpisodic(state.session.config)) return stepToEpisodeEnd();
      const size = state.data.s.length;
      return takeSteps('Epoch', size - (state.counters.step % size));
    })),
  stopWork,
  reset: unlessWorking((newSeed) =>
    guarded(async () => {
      stopPlaying();
      const seed = newSeed ? Math.floor(Math.random() * 2 ** 31) : undefined;
      adopt(await api.reset(state.session.id, seed));
    })),
  togglePlay: unlessWorking(togglePlay),
  toggleLog: () => {
    state.chart.log = !state.chart.log;
    render();
  },
  toggleQuiz: () => {
    state.quizMode = !state.quizMode;
    state.quiz = null;
    render();
  },
  togglePresenter: () => {
    state.presenter = !state.presenter;
    render();
  },
  /** The settings beside the diagram, their first button under the keyboard; or back below. */
  toggleSettings: () => {
    state.settingsOpen = !state.settingsOpen;
    renderNow(); // placed beside the diagram before the focus goes there
    if (state.settingsOpen) byId('hand-preset').focus({ preventScroll: true });
  },
  speed: changeRate,
  closeDiverged: () => {
    state.diverged = null;
    render();
  },
  gradcheck: () =>
    guarded(async () => {
      state.gradcheck = await api.gradcheck(state.session.id);
    }),
  handPreset: () => {
    stopWork();
    return guarded(async () => {
      stopPlaying();
      await createSession(HAND_PRESET);
    });
  },
};
