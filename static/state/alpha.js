/**
 * @fileoverview The step sizes α_A and α_B of a run: the lower pair the
 * divergence warning offers, whether a new config changes them and nothing
 * else (then the run can go on with them), and what the page says when α changes.
 */

const ALPHAS = ['alpha_A', 'alpha_B'];

/** A step size as typed, without binary noise: 0.7 / 10 is shown and sent as 0.07. */
export function alphaText(value) {
  return String(Number(value.toPrecision(6)));
}

/** A tenth of each step size of `config`: the fix the divergence warning offers. */
export function lowerAlphas(config) {
  return Object.fromEntries(ALPHAS.map((name) => [name, Number(alphaText(config[name] / 10))]));
}

/** "α to 1" when both are alike, else "α_A to 1 and α_B to 0.05". */
function alphasInWords(alphas) {
  if (alphas.alpha_A === alphas.alpha_B) return `α to ${alphaText(alphas.alpha_A)}`;
  return `α_A to ${alphaText(alphas.alpha_A)} and α_B to ${alphaText(alphas.alpha_B)}`;
}

/** The divergence warning's button, named with the values it sets and what becomes of the run. */
export function lowerAlphaLabel(config) {
  return `Lower ${alphasInWords(lowerAlphas(config))} and start again`;
}

/**
 * Does the config `after` (the settings form's) differ from `before` (the session's) in α_A or
 * α_B and in nothing else it names?  Then the run can go on with them.
 */
export function onlyAlphasChanged(before, after) {
  const same = (name) => JSON.stringify(before[name]) === JSON.stringify(after[name]);
  return ALPHAS.some((name) => !same(name)) && Object.keys(after).every((name) => ALPHAS.includes(name) || same(name));
}

/** α_A and α_B of `config`. */
export function alphasOf(config) {
  return Object.fromEntries(ALPHAS.map((name) => [name, config[name]]));
}

/** What the notice line says once α changed: whether the run went on (from which step) or starts anew. */
export function alphaNotice(alphas, step, kept) {
  const words = alphasInWords(alphas).replace(/ to /, ' changed to ');
  return kept ? `${words}; the run goes on from step ${step}.` : `${words}; the run starts again at step 0.`;
}
