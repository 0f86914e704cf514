/**
 * @fileoverview A CSV file becomes the session's data: read and parsed here
 * (problems named by row and column), the learner's choice of columns kept,
 * and a new session made with the settings as they are and `data` from the
 * file.  The server judges the limits; its refusal is said in the file's terms.
 */

import { ApiError } from '../api.js';
import { MAX_FILE_BYTES, dataOf, defaultRoles, parseCsv, serverProblem } from '../state/csv.js';
import { state } from '../state/store.js';
import { stopPlaying } from './player.js';
import { guarded } from './queue.js';
import { render } from './render.js';
import { createSession } from './session.js';
import { stopWork } from './work.js';

/** Read and parse `file`; its columns wait for the learner's choice. */
export async function openCsv(file) {
  state.csv = { name: file.name, table: null, roles: [], error: null, applied: null };
  if (file.size > MAX_FILE_BYTES) {
    state.csv.error = `${file.name} has ${file.size.toLocaleString('en')} bytes; a file may have at most ${MAX_FILE_BYTES.toLocaleString('en')}`;
    return render();
  }
  try {
    const table = parseCsv(await file.text());
    state.csv.table = table;
    state.csv.roles = defaultRoles(table.columns);
  } catch (err) {
    state.csv.error = `${file.name}: ${err.message}`;
  }
  render();
}

/** Column `i` becomes an input, a target or unused. */
export function setRole(i, role) {
  if (!state.csv || !state.csv.table) return;
  state.csv.roles[i] = role;
  state.csv.applied = null;
  state.csv.error = null;
  render();
}

/** Train on the chosen columns: a new session with the settings `readSettings()` gives and the file's data. */
export async function applyCsv(readSettings) {
  const csv = state.csv;
  if (!csv || !csv.table) return;
  let chosen;
  try {
    chosen = dataOf(csv.table, csv.roles);
  } catch (err) {
    csv.error = err.message;
    return render();
  }
  const config = { ...readSettings().config, data: chosen.data };
  delete config.dataset;
  delete config.environment;
  csv.error = null;
  stopPlaying();
  stopWork();
  await guarded(async () => {
    try {
      await createSession(config);
      csv.applied = chosen;
    } catch (err) {
      if (!(err instanceof ApiError) || (err.status !== 422 && err.status !== 413)) throw err;
      const field = err.body.detail && err.body.detail[0] && err.body.detail[0].field;
      csv.error = serverProblem(field, err.message, csv.table, chosen);
    }
  });
}
