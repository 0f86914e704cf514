/**
 * @fileoverview The speeds play mode offers: frames a second, and SGD steps
 * in each frame.  The speed menus are made from these lists.
 */

export const RATES = [1, 2, 5, 10, 20, 30, 60];
export const STEPS_PER_FRAME = [1, 5, 25, 100];

/** The rate `delta` places faster (+) or slower (−) than `rate`, held to the list's ends. */
export function nextRate(rate, delta) {
  const i = Math.max(0, Math.min(RATES.length - 1, RATES.indexOf(rate) + delta));
  return RATES[i];
}
