/**
 * @fileoverview When a play stream the page did not close is opened again:
 * the close codes that mean the server's side went away, the back-off between
 * tries, and what the notice line says meanwhile.
 */

// A replica went away (1001, 1006: no close frame at all), failed (1011),
// restarts (1012) or is full for now (1013).  Not 4404 (the session is gone:
// it is re-created), 1008 (the page broke the rules), 4408 (paused too long) or 1000.
const LOST = new Set([1001, 1006, 1011, 1012, 1013]);

// Seconds before each try; after the last, play stops.
export const RETRY_DELAYS = [0.25, 0.5, 1, 2, 4, 4];

/** Does a close with this code mean the stream should be opened again? */
export function isLost(code) {
  return LOST.has(code);
}

/** Seconds to wait before try `retries + 1`, or null when every try is used up. */
export function retryDelay(retries) {
  return retries < RETRY_DELAYS.length ? RETRY_DELAYS[retries] : null;
}

export function reconnectingNotice(attempt) {
  return `Connection lost; reconnecting… (try ${attempt} of ${RETRY_DELAYS.length})`;
}

export function resumedNotice(step) {
  return `Reconnected: play continues from step ${step} as the server saved it.`;
}

export const GAVE_UP_NOTICE =
  `Connection lost: the server could not be reached in ${RETRY_DELAYS.length} tries, so play stopped. ` +
  'Press Play to try again.';
