/**
 * @fileoverview The run as a link: every setting from one table of properties,
 * the step reached, and (on request) the current weights.  Opening the link
 * re-creates the session and replays the same steps, so the run is the same
 * step for step.
 */

// name in the URL -> how to read it back.  The order is the order in the link.
const PROPERTIES = {
  dataset: String,
  hidden: Number,
  f_A: String,
  f_B: String,
  loss: String,
  alpha_A: Number,
  alpha_B: Number,
  bias: (v) => v === 'true' || v === '1',
  seed: Number,
  order: String,
  update_order: String,
  optimizer: String,
  epsilon: Number,
};
// Settings that travel as JSON: a data set of one's own, TD mode's walk, initial weights.
const JSON_PROPERTIES = ['data', 'environment', 'A', 'B'];

/**
 * The link for a session.  With `weights`, A and B travel as the initial
 * weights (and the step count starts again from 0); without, the link holds
 * the step reached, to be replayed from the seed.
 */
export function linkFor(config, step, weights = null) {
  const params = new URLSearchParams();
  for (const name of Object.keys(PROPERTIES)) {
    if (config[name] !== undefined && config[name] !== null) params.set(name, String(config[name]));
  }
  if (config.data) params.set('data', JSON.stringify(config.data));
  if (config.environment) params.set('environment', JSON.stringify(config.environment));
  if (weights) {
    params.set('A', JSON.stringify(weights.A));
    params.set('B', JSON.stringify(weights.B));
  } else {
    if (config.A) params.set('A', JSON.stringify(config.A));
    if (config.B) params.set('B', JSON.stringify(config.B));
    if (step > 0) params.set('step', String(step));
  }
  return `${location.origin}${location.pathname}?${params.toString()}`;
}

/**
 * What a link asks for: {config, step} or null when the URL holds no settings.
 * Values are passed on as they are; the server judges them like any input.
 */
export function readLink(search) {
  const params = new URLSearchParams(search);
  if (![...params.keys()].some((k) => k in PROPERTIES || k === 'data' || k === 'environment')) return null;
  const config = {};
  for (const [name, parse] of Object.entries(PROPERTIES)) {
    if (params.has(name)) config[name] = parse(params.get(name));
  }
  for (const name of JSON_PROPERTIES) {
    if (!params.has(name)) continue;
    try {
      config[name] = JSON.parse(params.get(name));
    } catch (err) {
      throw new Error(`the link's ${name} is not valid JSON`);
    }
  }
  if (config.data || config.environment) delete config.dataset;
  const step = Number(params.get('step') || 0);
  return { config, step: Number.isInteger(step) && step > 0 ? step : 0 };
}
