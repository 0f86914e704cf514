/**
 * @fileoverview A session's config as one table: every field the server's
 * ConfigIn takes, with its default, its kind and its choices.  The settings
 * form, the walk's settings, the share link and the presets are all made from
 * this table, so a field added here appears everywhere at once.
 */

import { CONSTANTS, choicesOf } from './vocabulary.js';

/**
 * Kinds: 'choice' (a select; `choices` as values, or [value, label] pairs),
 * 'int' and 'float' (typed numbers), 'bool' (a checkbox), 'json' (travels as
 * JSON, not on the form), 'weights' (initial A or B, JSON too; weights alone do
 * not describe a run), 'fixed' (always the default).  `label` is the form's
 * text, with _{…} for a subscript; `only` names the mode or optimizer whose
 * fields it sits among.  Fields without a label are not on the form.
 */
export const CONFIG_FIELDS = [
  // The choices are the server's data sets, known once it has listed them.
  { name: 'dataset', kind: 'choice', default: 'xor', label: 'data set', choices: [], only: 'supervised' },
  { name: 'hidden', kind: 'int', default: 4, label: 'hidden units' },
  // The activations and losses, their labels and defaults: the server's vocabulary.
  { name: 'f_A', kind: 'choice', label: 'f_{A}', ...choicesOf('f_A') },
  { name: 'f_B', kind: 'choice', label: 'f_{B}', ...choicesOf('f_B') },
  { name: 'loss', kind: 'choice', label: 'loss', ...choicesOf('loss') },
  { name: 'alpha_A', kind: 'float', default: 0.1, label: 'α_{A}' },
  { name: 'alpha_B', kind: 'float', default: 0.1, label: 'α_{B}' },
  { name: 'bias', kind: 'bool', default: true, label: 'bias' },
  { name: 'seed', kind: 'int', default: 0, label: 'seed' },
  { name: 'order', kind: 'choice', default: 'cycle', label: 'order', choices: ['cycle', 'shuffle'], only: 'supervised' },
  {
    name: 'update_order', kind: 'choice', default: 'backprop', label: 'update order',
    choices: [
      ['backprop', 'backprop (every gradient from the old weights)'],
      ['slides', 'slides (B updated before δ^A is computed)'],
    ],
  },
  { name: 'optimizer', kind: 'choice', default: 'sgd', label: 'optimizer', choices: [['sgd', 'SGD (the slides)'], ['adam', 'Adam']] },
  { name: 'epsilon', kind: 'float', default: 1e-8, label: 'Adam’s ε', only: 'adam' },
  { name: 'data', kind: 'json', default: null }, // a data set of one's own, in place of `dataset`
  { name: 'environment', kind: 'json', default: null }, // TD mode's walk: ENVIRONMENT_FIELDS
  { name: 'A', kind: 'weights', default: null },
  { name: 'B', kind: 'weights', default: null },
];

/** TD mode's random walk, the config's `environment`, as the server's EnvironmentIn takes it. */
export const ENVIRONMENT_FIELDS = [
  { name: 'name', kind: 'fixed', default: 'random_walk' },
  { name: 'states', kind: 'int', default: 19, label: 'states' },
  { name: 'jump', kind: 'int', default: 1, label: 'largest move' },
  { name: 'gamma', kind: 'float', default: 1, label: 'discount γ' },
  {
    name: 'target', kind: 'choice', default: 'td', label: 'target',
    choices: [['td', 'TD: R + γ v̂(S′)'], ['mc', 'MC: the return G']],
  },
  {
    name: 'features', kind: 'choice', default: 'one_hot', label: 'features',
    choices: [['one_hot', 'one-hot'], ['aggregate', 'state aggregation']],
  },
  { name: 'groups', kind: 'int', default: 10, label: 'groups' },
];

const AGENT_LABELS = { sarsa: 'Sarsa', expected_sarsa: 'Expected Sarsa', q_learning: 'Q-learning' };

/**
 * Control mode's Mountain Car, the config's `environment` when its name is mountain_car.  The
 * network's own fields are left to the server's defaults for it when the mode or the features are
 * chosen (the tile coder's are its own: SGD, α_B = 0.5 / tilings, no bias, no replay).  `form`
 * names a field's control where its name is taken on the form already (Adam's ε, the walk's γ);
 * `only` the features a field belongs to (the tile coder's table, the network's replay).
 */
export const CONTROL_FIELDS = [
  { name: 'name', kind: 'fixed', default: 'mountain_car' },
  {
    name: 'features', form: 'car_features', kind: 'choice', default: 'network', label: 'features',
    choices: [['network', 'the network (A and B learned)'], ['tiles', 'the course’s tile coder (A frozen)']],
  },
  {
    name: 'agent', kind: 'choice', default: 'sarsa', label: 'agent',
    choices: CONSTANTS.MOUNTAIN_CAR.AGENTS.map((a) => [a, AGENT_LABELS[a] || a]),
  },
  { name: 'epsilon', form: 'car_epsilon', kind: 'float', default: 0, label: 'exploration ε' },
  { name: 'gamma', form: 'car_gamma', kind: 'float', default: 1, label: 'discount γ' },
  { name: 'tilings', kind: 'int', default: 8, label: 'tilings', only: 'tiles' },
  { name: 'tiles', kind: 'int', default: 8, label: 'tiles across p and v', only: 'tiles' },
  { name: 'iht_size', kind: 'int', default: 4096, label: 'hash table size', only: 'tiles' },
  { name: 'replay', kind: 'int', default: 4, label: 'replay steps a step', only: 'network' },
  { name: 'buffer', kind: 'int', default: 10000, label: 'replay buffer', only: 'network' },
  { name: 'target_every', kind: 'int', default: 0, label: 'replay’s target copied every', only: 'network' },
];

/** The name of a field's control on the settings form. */
export function formName(field) {
  return field.form || field.name;
}

/** A field's choices as [value, label] pairs. */
export function choicePairs(field) {
  return field.choices.map((c) => (Array.isArray(c) ? c : [c, c]));
}

/** Is the field one that the settings form shows? */
export function onForm(field) {
  return Boolean(field.label);
}

/** A preset: the form's defaults with `changes` on top (data sets, weights and walks given in full). */
export function preset(changes) {
  const config = {};
  for (const field of CONFIG_FIELDS) if (onForm(field)) config[field.name] = field.default;
  return { ...config, ...changes };
}

// The hand-check preset: one sample, 2-2-2 sigmoid, fixed weights (bias rows last),
// a step small enough to work out on the board.
export const HAND_PRESET = preset({
  dataset: 'hand', hidden: 2, f_A: 'sigmoid', f_B: 'sigmoid', alpha_A: 0.5, alpha_B: 0.5,
  A: [[0.15, 0.25], [0.2, 0.3], [0.35, 0.35]],
  B: [[0.4, 0.5], [0.45, 0.55], [0.6, 0.6]],
});

/**
 * The part of a session's config (as the server answers it) that re-creates
 * the session: the table's fields, without the sizes the server adds, and
 * without the data set's name when the data came with the config.
 */
export function recreatingConfig(config) {
  const out = {};
  for (const { name } of CONFIG_FIELDS) if (config[name] !== undefined) out[name] = config[name];
  if (out.data) delete out.dataset;
  return out;
}

/**
 * The settings field beside which the server's message for `path` belongs
 * ("hidden", or "environment.states" for the walk's "states", of the config's `environment`), or null when
 * no field on the form is named by it.
 */
export function formFieldFor(path, environment = null) {
  const parts = String(path).split('.');
  const onFormNamed = (list, name) => list.some((f) => f.name === name && onForm(f));
  if (onFormNamed(CONFIG_FIELDS, parts[0])) return parts[0];
  const last = parts[parts.length - 1];
  if (parts[0] !== 'environment') return null;
  const list = environment && environment.name === 'mountain_car' ? CONTROL_FIELDS : ENVIRONMENT_FIELDS;
  const field = list.find((f) => f.name === last && onForm(f));
  return field ? formName(field) : null;
}
