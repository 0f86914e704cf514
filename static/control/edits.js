/**
 * @fileoverview Changes the learner types in: a weight, the next sample, the
 * settings.  A value the server refuses comes back as its message, shown
 * beside what was typed; the session stays as it was.
 */

import { ApiError, api } from '../api.js';
import { alphaNotice, alphasOf, onlyAlphasChanged } from '../state/alpha.js';
import { formFieldFor } from '../state/config.js';
import { state } from '../state/store.js';
import { handleError } from './errors.js';
import { stopPlaying } from './player.js';
import { guarded } from './queue.js';
import { render } from './render.js';
import { keepRunWithAlphas } from './alpha.js';
import { adoptWeights, createSession } from './session.js';
import { stopWork } from './work.js';

/**
 * An edit by hand: the server's 422 message comes back for the editor to show
 * beside what was typed (null when it went through); other errors are handled
 * as for any action.
 */
async function edit(change) {
  try {
    await change();
    return null;
  } catch (err) {
    if (err instanceof ApiError && err.status === 422) return err.message;
    await handleError(err);
    render();
    return null;
  }
}

/** W[a][b] = value for W = A or B, the rest as it is. */
export function setWeight(name, a, b, value) {
  const W = (name === 'A' ? state.A : state.B).map((row) => row.slice());
  W[a][b] = value;
  return edit(async () => adoptWeights(await api.setWeights(state.session.id, { [name]: W })));
}

/** Sample `index` of D becomes (s, y). */
export function setSample(index, s, y) {
  return edit(async () => {
    const body = await api.setSample(state.session.id, { index, s, y });
    state.data = body.config.data;
    state.session.config = body.config;
    state.dataVersion += 1;
    adoptWeights(body);
  });
}

/**
 * A new session from what the settings form read ({config, errors}), or, when
 * only α changed, the same run going on with it; `changed` names the field the
 * learner changed, where a message goes when the server names no field of the form.
 */
export async function applySettings({ config, errors }, changed) {
  state.fieldErrors = errors;
  if (Object.keys(errors).length) return render();
  stopPlaying();
  stopWork(); // the new session need not wait for the old one's work
  const alphas = alphasOf(config);
  await guarded(async () => {
    // The session on show once the actions before this one are done (a data set just chosen, say).
    const before = state.session && state.session.id ? state.session.config : null;
    try {
      if (before && onlyAlphasChanged(before, config)) {
        await keepRunWithAlphas(alphas);
        return;
      }
      await createSession(config);
      // The α the new session has: the server's defaults for Mountain Car when the config left them out.
      const now = alphasOf(state.session.config);
      if (before && (before.alpha_A !== now.alpha_A || before.alpha_B !== now.alpha_B)) {
        state.notice = alphaNotice(now, 0, false);
      }
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 422) throw err;
      // The old session keeps working; the message goes beside the field.
      const field = (err.body.detail && err.body.detail[0] && err.body.detail[0].field) || changed;
      state.fieldErrors = { [formFieldFor(field, config.environment) || changed]: err.message };
    }
  });
}
