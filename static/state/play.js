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

/**
 * The steps a frame to play at when the server allows at most `largest` for the session at
 * `rate` and the page asked for more: the most the menu has within it, with the words that say
 * so; null when the menu has nothing fewer than `asked`.
 */
export function fewerSteps(rate, asked, largest) {
  const steps = STEPS_PER_FRAME.filter((n) => n <= largest).pop() || STEPS_PER_FRAME[0];
  if (steps >= asked) return null;
  return {
    steps,
    notice: `At ${rate} frames a second this session takes at most ${largest} steps a frame: playing ${steps} a frame.`,
  };
}
