/**
 * @fileoverview The run as a link: every field of the config table, the step
 * reached, (on request) the current weights, and for a lesson the parts
 * hidden and the teacher's note.  Opening the link re-creates the session and
 * replays the same steps, so the run is the same step for step.  Every key a
 * link may hold is in LINK_KEYS; any other is ignored, and said so.
 */

import { count } from '../lib/format.js';
import { CONFIG_FIELDS } from './config.js';
import { boundedNote, hiddenParts, visibleText } from './lesson.js';
import { CONSTANTS } from './vocabulary.js';

/**
 * The most steps a link may ask to be replayed: what one call of the server
 * may ask for at most (MAX_STEPS), a replay of a few seconds for the built-in
 * data sets.  Every page that opens a link replays it, so a link may not ask
 * them all for hours of the server's work.  Past it the run opens at step 0
 * and the page says why: replaying part of the way would show a step nobody
 * linked to.
 */
export const MAX_LINK_STEP = CONSTANTS.MAX_STEPS;

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
  { name: 'session', kind: 'id', part: 'run' }, // read only (linkedSession): a link never writes it
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
 * (initial weights alone describe no run).  A step that is no whole number or
 * is past MAX_LINK_STEP is 0 (readLesson says why).  Throws when a JSON field
 * is not JSON.
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
  return { config, step: linkStep(params.get('step')).step };
}

const LISTED = 5; // names of unknown keys or parts a link's notice lists; the rest are counted
const SHOWN = 24; // characters of a name or a step's text the notice quotes

/** A name or a text of the link, quoted for the notice: without its unseen characters, cut short. */
function shown(text) {
  const chars = Array.from(visibleText(text).text);
  return `“${chars.slice(0, SHOWN).join('')}${chars.length > SHOWN ? '…' : ''}”`;
}

/**
 * The step a link asks for, in ASCII digits as linkFor writes it, and up to
 * MAX_LINK_STEP: {step}, or {step: 0, refused} saying in words why it is not
 * replayed.
 */
function linkStep(text) {
  if (text === null || text === '' || text === '0') return { step: 0, refused: null };
  if (!/^[0-9]+$/.test(text)) return { step: 0, refused: `step ${shown(text)}: not a whole number of steps` };
  const step = Number(text);
  if (step <= MAX_LINK_STEP) return { step, refused: null };
  const asked = Number.isSafeInteger(step) ? count(step) : `of ${count(text.length)} digits`;
  return {
    step: 0,
    refused: `step ${asked}: a link replays at most ${count(MAX_LINK_STEP)} steps, so this run starts at step 0 ` +
      '(a link made “with the current weights” carries the weights of a run of any length)',
  };
}

/** Names a link holds, as a list to read: the first LISTED of them quoted, the others counted. */
function listed(names) {
  const more = names.length > LISTED ? ` and ${count(names.length - LISTED)} more` : '';
  return names.slice(0, LISTED).map(shown).join(', ') + more;
}

/** The session the address names (`?session=<id>`: a notebook's explain() points its frame at the run it made), or null. */
export function linkedSession(search) {
  return new URLSearchParams(search).get('session') || null;
}

/**
 * The lesson a link holds: {note, hide, ignored}, `ignored` saying in words
 * what of the link was not taken (unknown keys, unknown parts, a step past
 * what a link replays, the note's unseen characters, the note beyond its
 * length); null when the link holds neither a lesson nor anything ignored.
 */
export function readLesson(search) {
  const params = new URLSearchParams(search);
  const known = new Set(LINK_KEYS.map((k) => k.name));
  const unknownKeys = [...new Set([...params.keys()].filter((k) => !known.has(k)))];
  const { note, cut, unseen } = boundedNote(params.get('note'));
  const { hide, unknown } = hiddenParts(params.get('hide'));
  const { refused } = linkStep(params.get('step'));
  const ignored = [];
  if (unknownKeys.length) ignored.push(`unknown key${unknownKeys.length > 1 ? 's' : ''} ${listed(unknownKeys)}`);
  if (unknown.length) ignored.push(`hide: no part named ${listed(unknown)}`);
  if (refused) ignored.push(refused);
  if (unseen) ignored.push(`the note’s invisible characters that reorder or hide text (${unseen})`);
  if (cut) ignored.push('the note beyond its length');
  if (!note && !hide.length && !ignored.length) return null;
  return { note, hide, ignored };
}
