/**
 * @fileoverview The run as a link: every field of the config table, the step
 * reached, (on request) the current weights, and for a lesson the parts
 * hidden and the teacher's note.  Opening the link re-creates the session and
 * replays the same steps, so the run is the same step for step.  Every key a
 * link may hold is in LINK_KEYS; any other is ignored, and said so.
 */

import { CONFIG_FIELDS } from './config.js';
import { boundedNote, hiddenParts } from './lesson.js';

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
 * Every key of a link, in the order a link writes them: `part` says what it
 * belongs to (the session's config, the run, or the lesson).
 */
export const LINK_KEYS = [
  ...CONFIG_FIELDS.map(({ name, kind }) => ({ name, kind, part: 'config' })),
  { name: 'step', kind: 'int', part: 'run' },
  { name: 'note', kind: 'text', part: 'lesson' },
  { name: 'hide', kind: 'list', part: 'lesson' },
];
const CONFIG_KEYS = LINK_KEYS.filter((k) => k.part === 'config');

/**
 * The link for a session, under `base` (the page's address without its
 * query).  With `weights`, A and B travel as the initial weights (and the step
 * count starts again from 0); without, the link holds the step reached, to be
 * replayed from the seed.  A `lesson` ({note, hide: [names]}) adds its note and
 * hidden parts.  Keys go in the table's order.
 */
export function linkFor(base, config, step, weights = null, lesson = null) {
  const params = new URLSearchParams();
  const run = { step: !weights && step > 0 ? step : null };
  for (const { name, kind, part } of LINK_KEYS) {
    let value;
    if (part === 'config') value = kind === 'weights' && weights ? weights[name] : config[name];
    else if (part === 'run') value = run[name];
    else value = lesson ? lesson[name] : null;
    if (value === undefined || value === null || value === '') continue;
    if (AS_JSON.has(kind)) {
      if (value) params.set(name, JSON.stringify(value));
    } else if (kind === 'list') {
      if (value.length) params.set(name, value.join(','));
    } else {
      params.set(name, String(value));
    }
  }
  return `${base}?${params.toString()}`;
}

/** The link to the run in `state` from this page, with its current weights when the learner asked for them. */
export function linkToRun(state, lesson = null) {
  const weights = state.linkWeights ? { A: state.A, B: state.B } : null;
  return linkFor(`${location.origin}${location.pathname}`, state.session.config, state.counters.step, weights, lesson);
}

/**
 * What a link asks for: {config, step}, or null when the URL holds no settings
 * (initial weights alone describe no run).  Throws when a JSON field is not JSON.
 */
export function readLink(search) {
  const params = new URLSearchParams(search);
  if (!CONFIG_KEYS.some((f) => f.kind !== 'weights' && params.has(f.name))) return null;
  const config = {};
  for (const { name, kind } of CONFIG_KEYS) {
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

/**
 * The lesson a link holds: {note, hide, ignored}, `ignored` saying in words
 * what of the link was not taken (unknown keys, unknown parts, a note cut to
 * its length); null when the link holds neither a lesson nor anything unknown.
 */
export function readLesson(search) {
  const params = new URLSearchParams(search);
  const known = new Set(LINK_KEYS.map((k) => k.name));
  const unknownKeys = [...new Set([...params.keys()].filter((k) => !known.has(k)))];
  const { note, cut } = boundedNote(params.get('note'));
  const { hide, unknown } = hiddenParts(params.get('hide'));
  const ignored = [];
  if (unknownKeys.length) ignored.push(`unknown key${unknownKeys.length > 1 ? 's' : ''} ${unknownKeys.map((k) => `“${k}”`).join(', ')}`);
  if (unknown.length) ignored.push(`hide: no part named ${unknown.map((k) => `“${k}”`).join(', ')}`);
  if (cut) ignored.push('the note beyond its length');
  if (!note && !hide.length && !ignored.length) return null;
  return { note, hide, ignored };
}
