/**
 * @fileoverview Every request the page makes goes through here.  Views never
 * fetch.  Errors come back as ApiError with the server's status and body.
 */

import { appUrl, socketUrl } from './lib/address.js';

// A picture's colours and curves need no more: a third of the bytes of every digit.
const PICTURE_DIGITS = 4;

export class ApiError extends Error {
  /** `retryAfter`: the seconds a 429 or 503 asks to wait before trying again, else null. */
  constructor(status, body, retryAfter = null) {
    super((body && body.message) || `the server answered ${status}`);
    this.status = status;
    this.body = body || {};
    this.retryAfter = retryAfter;
  }
}

/** Retry-After in seconds (the page never sends dates), at least 1; null when absent. */
function retryAfterOf(response) {
  const text = response.headers.get('retry-after');
  if (text === null) return null;
  const seconds = Number(text);
  return Number.isFinite(seconds) ? Math.max(1, Math.ceil(seconds)) : 1;
}

/** `method` on `path` with a JSON `body` and extra `headers`: the answer's JSON, or an ApiError. */
export async function request(method, path, body, headers = {}) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(appUrl(path), init);
  } catch (err) {
    throw new ApiError(0, { message: 'the server cannot be reached; is it still running?' });
  }
  if (response.status === 204) return null;
  let json = null;
  try {
    json = await response.json();
  } catch (err) {
    json = null;
  }
  if (!response.ok) throw new ApiError(response.status, json, retryAfterOf(response));
  return json;
}

/** GET `path` for a file to take away: its Blob, or an ApiError (with the server's message). */
export async function requestFile(path, headers = {}) {
  let response;
  try {
    response = await fetch(appUrl(path), { headers });
  } catch (err) {
    throw new ApiError(0, { message: 'the server cannot be reached; is it still running?' });
  }
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null), retryAfterOf(response));
  return response.blob();
}

/** The data sets the page was served with (what /api/datasets answers), else null. */
function pageDatasets() {
  const el = document.getElementById('datasets-data');
  try {
    return el ? JSON.parse(el.textContent) : null;
  } catch {
    return null;
  }
}

export const api = {
  datasets: async () => pageDatasets() || request('GET', '/api/datasets'),
  create: (config) => request('POST', '/api/sessions', config),
  read: (id) => request('GET', `/api/sessions/${id}`),
  remove: (id) => request('DELETE', `/api/sessions/${id}`),
  step: (id, n) => request('POST', `/api/sessions/${id}/step`, { n }),
  reset: (id, seed) => request('POST', `/api/sessions/${id}/reset`, seed === undefined ? {} : { seed }),
  setWeights: (id, weights) => request('PUT', `/api/sessions/${id}/weights`, weights),
  setSample: (id, sample) => request('PUT', `/api/sessions/${id}/sample`, sample),
  // ŷ at each row of `s`, each value to `digits` significant digits (enough for a picture)
  predict: (id, s, digits = PICTURE_DIGITS) => request('POST', `/api/sessions/${id}/predict`, { s, digits }),
  // TD mode: at most n steps, ending after the one that ends the episode under way
  stepToEpisodeEnd: (id, n) => request('POST', `/api/sessions/${id}/step`, { n, to_episode_end: true }),
  values: (id) => request('GET', `/api/sessions/${id}/values`),
  // a class's follower: the values of the session the class has on show (409 while a question is open)
  classValues: (code) => request('GET', `/api/classes/${encodeURIComponent(code)}/values`),
  gradcheck: (id) => request('GET', `/api/sessions/${id}/gradcheck`),
  exportSession: (id) => request('GET', `/api/sessions/${id}/export`),
  importSession: (doc) => request('POST', '/api/sessions/import', doc),
  source: () => request('GET', '/api/source'),
  lessons: () => request('GET', '/api/lessons'),
  lesson: (name) => request('GET', `/api/lessons/${encodeURIComponent(name)}`),
  checkLesson: (doc) => request('POST', '/api/lessons/check', doc),
};

/**
 * Play mode: the server steps on its own clock and pushes frames.
 * `onFrame(frame)` gets {type: 'frame', state, trace, losses};
 * `onStop(reason)` gets {type: 'diverged'|'error'|'closed', ...}.
 */
export class Player {
  constructor(sessionId, { rate, stepsPerFrame }, onFrame, onStop) {
    this.socket = new WebSocket(socketUrl(`/api/sessions/${sessionId}/play`));
    this.closedByUs = false;
    this.socket.addEventListener('open', () => {
      this.send({ rate, steps_per_frame: stepsPerFrame, paused: false });
    });
    this.socket.addEventListener('message', (event) => {
      // Frames already on their way when the page closed the stream are not shown.
      if (this.closedByUs) return;
      const msg = JSON.parse(event.data);
      if (msg.type === 'frame') onFrame(msg);
      else onStop(msg);
    });
    this.socket.addEventListener('close', (event) => {
      if (!this.closedByUs) onStop({ type: 'closed', code: event.code, message: event.reason });
    });
  }

  send(message) {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  // An open stream is a playing one (Pause closes it): a stream the server paused (its steps a
  // frame past what the session may now take) plays again at the new speed.
  setSpeed(rate, stepsPerFrame) {
    this.send({ rate, steps_per_frame: stepsPerFrame, paused: false });
  }

  close() {
    this.closedByUs = true;
    this.socket.close(1000, 'paused');
  }
}

/** Requests of the derivation and of the units' pictures. */
export const unitApi = {
  // One weight ("B.1.0": matrix.row.column) at the next step's point, beside its central difference.
  checkWeight: (id, weight) => request('GET', `/api/sessions/${id}/gradcheck?weight=${encodeURIComponent(weight)}`),
  // ŷ and every hidden unit's x at each row of `s`.
  predictUnits: (id, s) => request('POST', `/api/sessions/${id}/predict`, { s, units: true, digits: PICTURE_DIGITS }),
};
