/**
 * @fileoverview The page's start: the data sets, the core's source for the
 * code panel, then the first session: unless the tab was reloaded, the one the
 * address names (a notebook's) or the run a shared link describes; else the run
 * the tab kept before a reload (control/keep.js), else from the settings form.
 */

import { ApiError, api } from '../api.js';
import { count } from '../lib/format.js';
import { loadLibraries } from '../lib/libraries.js';
import { linkedSession, readLink } from '../state/link.js';
import { state } from '../state/store.js';
import { maxSteps } from '../state/work.js';
import { keepRun, keptRun, resumeRun } from './keep.js';
import { render, renderNow } from './render.js';
import { adopt, createSession } from './session.js';
import { takeSteps } from './work.js';

// Calls to the server a link's replay may take (each at most half a second of its work): a
// link is anyone's to write, and every page that opens it would otherwise ask for all of it.
export const MAX_LINK_CALLS = 10;

/**
 * Open the run a link describes: create its session, then replay its steps, unless on this
 * network they take more than MAX_LINK_CALLS calls; then the run stays at step 0, and says why.
 */
async function openLink(link) {
  await createSession(link.config);
  const calls = Math.ceil(link.step / maxSteps(state));
  if (calls > MAX_LINK_CALLS) {
    state.notice = `This link's ${count(link.step)} steps were not replayed: on this network they take ` +
      `${count(calls)} calls to the server, and a link replays at most ${MAX_LINK_CALLS}, so this run starts at step 0 ` +
      '(a link made “with the current weights” carries the weights of a run of any length).';
    return;
  }
  await takeSteps('Replaying the link', link.step);
}

/** The session the address names as the server has it; null, and the notice says why, once it is gone. */
async function namedSession(id) {
  try {
    return await api.read(id);
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 404) throw err;
    state.notice = 'The run this address names is gone: the server no longer has it (it expired, or the ' +
      'notebook kernel that made it restarted), so this is a fresh run.';
    return null;
  }
}

/** Was the page reloaded (not opened from an address or a link)? */
function reloaded() {
  const [navigation] = performance.getEntriesByType('navigation');
  return !!navigation && navigation.type === 'reload';
}

/** Start the page; `readSettings()` is the config the settings form holds. */
export async function boot(readSettings) {
  window.addEventListener('pagehide', keepRun);
  try {
    state.datasets = await api.datasets();
    renderNow(); // the settings form lists the data sets before it is read
    api.source().then((source) => {
      state.source = source;
      render();
    }, () => {});
    // A link just opened starts its run; reloaded, the page goes on with the run it had.
    let kept = keptRun();
    let link = null;
    try {
      link = readLink(location.search);
    } catch (err) {
      state.notice = `This link cannot be opened: ${err.message}.`;
    }
    const named = kept && reloaded() ? null : linkedSession(location.search);
    const given = named && await namedSession(named);
    if (given) link = kept = null;
    if (link && kept && reloaded()) link = null;
    else if (link) kept = null;
    if (!link) {
      state.draft = given ? given.config : kept ? kept.config : readSettings();
      renderNow(); // the diagram's shape, while the session is made
    }
    // The libraries run once the first drawing is done; what waits for them is drawn then.
    const libraries = loadLibraries().then(render);
    if (link) await openLink(link).catch(async (err) => {
      state.notice = `This link cannot be opened: ${err.message}`;
      renderNow(); // the form shows what of the link was taken, and that is what starts
      await createSession(readSettings());
    });
    else if (given) adopt(given);
    else if (kept) await resumeRun(kept);
    else await createSession(state.draft);
    await libraries; // ready: what the page shows no longer waits for anything
  } catch (err) {
    state.notice = err.message;
  }
  document.body.dataset.ready = 'true';
  render();
}
