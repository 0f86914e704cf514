/**
 * @fileoverview A new step size.  Typed in the settings, the run on show goes
 * on with it: the server sets α only when a session is made, so the run
 * continues in a new session made from its own document (its weights, step,
 * sample order and loss history) with α changed, and the step, the chart and a
 * class that follows stay where they were.  The divergence warning's fix
 * starts again instead: by the time a step overflows, the weights are so far
 * out that no smaller α brings them back (the next step overflows too).
 */

import { api } from '../api.js';
import { alphaNotice, lowerAlphas } from '../state/alpha.js';
import { recreatingConfig } from '../state/config.js';
import { state } from '../state/store.js';
import { stopPlaying } from './player.js';
import { guarded } from './queue.js';
import { continueRun, createSession } from './session.js';
import { stopWork } from './work.js';

/** The run on show goes on with `alphas` ({alpha_A, alpha_B}); the notice line says from which step. */
export async function keepRunWithAlphas(alphas) {
  const doc = await api.exportSession(state.session.id);
  const body = await api.importSession({ ...doc, config: { ...doc.config, ...alphas } });
  if (state.session) api.remove(state.session.id).catch(() => {});
  continueRun(body);
  state.notice = alphaNotice(alphas, body.state.step, true);
}

/** The divergence warning's fix: a tenth of each step size, in a new run of the same settings and seed. */
export function lowerAlpha() {
  if (!state.session || !state.session.id) return undefined;
  stopPlaying();
  stopWork();
  const alphas = lowerAlphas(state.session.config);
  return guarded(async () => {
    await createSession({ ...recreatingConfig(state.session.config), ...alphas });
    state.notice = alphaNotice(alphas, 0, false);
  });
}
