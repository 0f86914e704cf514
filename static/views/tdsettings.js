/**
 * @fileoverview TD mode's part of the settings form: the mode selector and the
 * random walk's fields.  Read into the config's `environment` (the server
 * judges the ranges, as for every other field); filled back from a config.
 */

import { parseNumber } from '../lib/parse.js';

const ENV_NUMBERS = { states: 'int', jump: 'int', gamma: 'float', groups: 'int' };
const ENV_CHOICES = ['target', 'features'];

/** In TD mode, put the walk's settings into config.environment (in place of a data set). */
export function readEnvironment(form, config, errors) {
  if (form.elements.namedItem('mode').value !== 'td') return;
  const env = { name: 'random_walk' };
  for (const name of ENV_CHOICES) env[name] = form.elements.namedItem(name).value;
  for (const [name, kind] of Object.entries(ENV_NUMBERS)) {
    const value = parseNumber(form.elements.namedItem(name).value, name, { whole: kind === 'int' });
    if (value instanceof Error) errors[name] = value.message;
    else env[name] = value;
  }
  config.environment = env;
  delete config.dataset;
}

/** Set the mode and the walk's fields from a session's config. */
export function fillEnvironment(form, config) {
  const env = config.environment;
  form.elements.namedItem('mode').value = env ? 'td' : 'supervised';
  if (!env) return;
  for (const [name, value] of Object.entries(env)) {
    const input = form.elements.namedItem(name);
    if (input) input.value = String(value);
  }
}

/** Show the fields that belong to the chosen mode and optimizer, hide the rest. */
export function showMode(form) {
  const td = form.elements.namedItem('mode').value === 'td';
  for (const el of form.querySelectorAll('.td-only')) el.hidden = !td;
  for (const el of form.querySelectorAll('.supervised-only')) el.hidden = td;
  const adam = form.elements.namedItem('optimizer').value === 'adam';
  for (const el of form.querySelectorAll('.adam-only')) el.hidden = !adam;
}
