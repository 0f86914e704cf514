/**
 * @fileoverview The run as a link: every field of the config table, the step
 * reached, and (on request) the current weights.  Opening the link re-creates
 * the session and replays the same steps, so the run is the same step for step.
 */

import { CONFIG_FIELDS } from './config.js';

// A field's text in the link read back.  Values are passed on as they are, not
// judged: the server judges them like any input and says what is wrong.
const FROM_TEXT = {
  choice: String,
  int: Number,
  float: Number,
  bool: (v) => v === 'true' || v === '1',
};
const AS_JSON = new Set(['json', 'weights']);

/**
 * The link for a session, under `base` (the page's address without its
 * query).  With `weights`, A and B travel as the initial weights (and the step
 * count starts again from 0); without, the link holds the step reached, to be
 * replayed from the seed.  Fields go in the table's order.
 */
export function linkFor(base, config, step, weights = null) {
  const params = new URLSearchParams();
  for (const { name, kind } of CONFIG_FIELDS) {
    const value = kind === 'weights' && weights ? weights[name] : config[name];
    if (value === undefined || value === null) continue;
    if (AS_JSON.has(kind)) {
      if (value) params.set(name, JSON.stringify(value));
    } else {
      params.set(name, String(value));
    }
  }
  if (!weights && step > 0) params.set('step', String(step));
  return `${base}?${params.toString()}`;
}

/** The link to the run in `state` from this page, with its current weights when the learner asked for them. */
export function linkToRun(state) {
  const weights = state.linkWeights ? { A: state.A, B: state.B } : null;
  return linkFor(`${location.origin}${location.pathname}`, state.session.config, state.counters.step, weights);
}

/**
 * What a link asks for: {config, step}, or null when the URL holds no settings
 * (initial weights alone describe no run).  Throws when a JSON field is not JSON.
 */
export function readLink(search) {
  const params = new URLSearchParams(search);
  if (!CONFIG_FIELDS.some((f) => f.kind !== 'weights' && params.has(f.name))) return null;
  const config = {};
  for (const { name, kind } of CONFIG_FIELDS) {
    if (!params.has(name)) continue;
    const text = params.get(name);
    if (!AS_JSON.has(kind)) {
      config[name] = FROM_TEXT[kind](text);
      continue;
    }
    try {
      config[name] = JSON.parse(text);
    } catch (err) {
      throw new Error(`the link's ${name} is not valid JSON`);
    }
  }
  if (config.data || config.environment) delete config.dataset;
  const step = Number(params.get('step') || 0);
  return { config, step: Number.isInteger(step) && step > 0 ? step : 0 };
}
