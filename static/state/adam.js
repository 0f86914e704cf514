/**
 * @fileoverview Adam's constants as the server's core uses them (from the
 * vocabulary the page was served with), and the weights before an Adam update,
 * which a play frame leaves out.
 */

import { CONSTANTS } from './vocabulary.js';

export const { ADAM_BETA_1, ADAM_BETA_2 } = CONSTANTS;

/** W before Adam's update, from W after it and the moments: W + α m̂ / (√v̂ + ε). */
export function adamBefore(W, m, v, t, alpha, epsilon) {
  const c1 = 1 - ADAM_BETA_1 ** t;
  const c2 = 1 - ADAM_BETA_2 ** t;
  return W.map((row, i) => row.map((w, j) => w + (alpha * (m[i][j] / c1)) / (Math.sqrt(v[i][j] / c2) + epsilon)));
}
