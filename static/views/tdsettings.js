/**
 * @fileoverview The settings form's mode: a data set, TD mode's random walk or control mode's
 * Mountain Car, each environment's fields made from its table in state/config.js.  Read into
 * the config's `environment` (the server judges the ranges, as for every other field); filled
 * back from a config.  Choosing control mode leaves the network's fields to the server's
 * defaults for Mountain Car (the network's or the tile coder's, as the features say), and leaving
 * it starts from the form's defaults again.
 */

import { setProp } from '../lib/dom.js';
import { CONFIG_FIELDS, CONTROL_FIELDS, ENVIRONMENT_FIELDS, formName, onForm } from '../state/config.js';
import { appendField, errorSlot, fillField, readField, selectOf } from './fields.js';

// Each mode: its value, its label, and for an environment its fields, their fieldset and its words.
const MODES = [
  { value: 'supervised', label: 'a data set' },
  {
    value: 'td', label: 'TD: a random walk', fields: ENVIRONMENT_FIELDS, className: 'td-settings td-only',
    legend: 'Random walk (the course’s TD lesson)',
    note: 'Moves of 1 up to the largest move, left or right, all equally likely; off the left end R = −1, ' +
      'off the right end R = +1. Groups apply to state aggregation.',
  },
  {
    value: 'control', label: 'Control: Mountain Car', fields: CONTROL_FIELDS, className: 'control-settings control-only',
    legend: 'Mountain Car (the course’s control lesson)',
    note: 'The network (or the tile coder’s features and B) learns q̂(s, a) for the three throttles, one step a move, ' +
      'R = −1 a step until the goal. ' +
      'Replay: after each move, that many steps on moves drawn from the last “buffer” ones, their targets ' +
      'from a copy of the weights taken every so many moves (0: the weights as they are). ' +
      'The tile coder: each tiling a grid of tiles × tiles over (p, v), offset from the others; ' +
      'other tilings set α_B to the course’s 0.5 / tilings again.',
  },
];
const modeOf = (value) => MODES.find((m) => m.value === value) || MODES[0];
// The network's fields, which Mountain Car has defaults of its own for (the server's).
const NETWORK = CONFIG_FIELDS.filter((f) => onForm(f) && !f.only && !['seed', 'bias'].includes(f.name));

/** The mode a config is in: its environment's, else a data set. */
export function modeOfConfig(config) {
  const env = config && config.environment;
  if (!env) return 'supervised';
  return env.name === 'mountain_car' ? 'control' : 'td';
}

/** The mode selector and each environment's fieldset, appended to the form. */
export function buildEnvironment(form) {
  const label = document.createElement('label');
  const text = document.createElement('span');
  text.className = 'label-text';
  text.textContent = 'mode';
  label.append(text, ' ', selectOf('mode', MODES.map((m) => [m.value, m.label])));
  form.append(label, errorSlot('mode'));
  for (const mode of MODES.filter((m) => m.fields)) {
    const fieldset = document.createElement('fieldset');
    fieldset.className = mode.className;
    fieldset.hidden = true;
    const legend = document.createElement('legend');
    legend.textContent = mode.legend;
    fieldset.appendChild(legend);
    for (const field of mode.fields) if (onForm(field)) appendField(fieldset, field);
    const note = document.createElement('p');
    note.className = 'description';
    note.textContent = mode.note;
    fieldset.appendChild(note);
    form.appendChild(fieldset);
  }
}

/**
 * Put the chosen environment's settings into config.environment (in place of a data set).
 * `before` is the config on show: a mode chosen just now into or out of control mode takes
 * that mode's network defaults.
 */
export function readEnvironment(form, config, errors, before = null) {
  const value = form.elements.namedItem('mode').value;
  const mode = modeOf(value);
  const was = before ? modeOfConfig(before) : value;
  // The network and the tile coder have defaults of their own for the same fields.
  const features = value === 'control' && was === 'control' ? form.elements.namedItem('car_features').value : null;
  const refeatured = features !== null && features !== (before.environment.features || 'network');
  const crossed = was !== value && (was === 'control' || value === 'control');
  if (crossed || refeatured) {
    for (const field of NETWORK) {
      delete errors[field.name];
      if (value === 'control') delete config[field.name];
      else config[field.name] = field.default;
    }
  }
  if (!mode.fields) return;
  const env = {};
  for (const field of mode.fields) {
    const read = onForm(field) ? readField(form, field) : field.default;
    if (read instanceof Error) errors[formName(field)] = read.message;
    else env[field.name] = read;
  }
  // Into control mode, or to the other features: the server's defaults for them (the network's
  // agent and replay, the tile coder's: no replay, no bias), which the form then shows; from one
  // features to the other, the agent's ε and γ stay (a comparison on the same ones).
  if (value === 'control' && (crossed || refeatured)) {
    const kept = refeatured ? ['name', 'features', 'epsilon', 'gamma'] : ['name', 'features'];
    for (const name of Object.keys(env)) if (!kept.includes(name)) delete env[name];
    delete config.bias;
  } else if (features === 'tiles' && env.tilings !== before.environment.tilings) {
    delete config.alpha_B; // other tilings: the server's α_B for them (the course's 0.5 / tilings)
  }
  config.environment = env;
  delete config.dataset;
}

/** Set the mode and the environment's fields from a session's config. */
export function fillEnvironment(form, config) {
  const mode = modeOf(modeOfConfig(config));
  form.elements.namedItem('mode').value = mode.value;
  if (!mode.fields) return;
  for (const field of mode.fields) if (onForm(field)) fillField(form, field, config.environment[field.name]);
}

/** Show the fields that belong to the chosen mode and optimizer, hide the rest. */
export function showMode(form) {
  const mode = form.elements.namedItem('mode').value;
  for (const el of form.querySelectorAll('.td-only')) setProp(el, 'hidden', mode !== 'td');
  for (const el of form.querySelectorAll('.control-only')) setProp(el, 'hidden', mode !== 'control');
  for (const el of form.querySelectorAll('.supervised-only')) setProp(el, 'hidden', mode !== 'supervised');
  const adam = form.elements.namedItem('optimizer').value === 'adam';
  for (const el of form.querySelectorAll('.adam-only')) setProp(el, 'hidden', !adam);
  const tiles = form.elements.namedItem('car_features').value === 'tiles';
  for (const el of form.querySelectorAll('.tiles-only')) setProp(el, 'hidden', !tiles);
  for (const el of form.querySelectorAll('.network-only')) setProp(el, 'hidden', tiles);
}
