/**
 * @fileoverview TD mode's part of the settings form: the mode selector and the
 * random walk's fields, made from the config table's ENVIRONMENT_FIELDS.  Read
 * into the config's `environment` (the server judges the ranges, as for every
 * other field); filled back from a config.
 */

import { setProp } from '../lib/dom.js';
import { ENVIRONMENT_FIELDS, onForm } from '../state/config.js';
import { appendField, errorSlot, fillField, readField, selectOf } from './fields.js';

const MODES = [['supervised', 'a data set'], ['td', 'TD: a random walk']];

/** The mode selector and the walk's fieldset, appended to the form. */
export function buildEnvironment(form) {
  const label = document.createElement('label');
  const text = document.createElement('span');
  text.className = 'label-text';
  text.textContent = 'mode';
  label.append(text, ' ', selectOf('mode', MODES));
  form.append(label, errorSlot('mode'));

  const fieldset = document.createElement('fieldset');
  fieldset.className = 'td-settings td-only';
  fieldset.hidden = true;
  const legend = document.createElement('legend');
  legend.textContent = 'Random walk (the course’s TD lesson)';
  fieldset.appendChild(legend);
  for (const field of ENVIRONMENT_FIELDS) if (onForm(field)) appendField(fieldset, field);
  const note = document.createElement('p');
  note.className = 'description';
  note.textContent =
    'Moves of 1 up to the largest move, left or right, all equally likely; off the left end R = −1, ' +
    'off the right end R = +1. Groups apply to state aggregation.';
  fieldset.appendChild(note);
  form.appendChild(fieldset);
}

/** In TD mode, put the walk's settings into config.environment (in place of a data set). */
export function readEnvironment(form, config, errors) {
  if (form.elements.namedItem('mode').value !== 'td') return;
  const env = {};
  for (const field of ENVIRONMENT_FIELDS) {
    const value = onForm(field) ? readField(form, field) : field.default;
    if (value instanceof Error) errors[field.name] = value.message;
    else env[field.name] = value;
  }
  config.environment = env;
  delete config.dataset;
}

/** Set the mode and the walk's fields from a session's config. */
export function fillEnvironment(form, config) {
  const env = config.environment;
  form.elements.namedItem('mode').value = env ? 'td' : 'supervised';
  if (!env) return;
  for (const field of ENVIRONMENT_FIELDS) if (onForm(field)) fillField(form, field, env[field.name]);
}

/** Show the fields that belong to the chosen mode and optimizer, hide the rest. */
export function showMode(form) {
  const td = form.elements.namedItem('mode').value === 'td';
  for (const el of form.querySelectorAll('.td-only')) setProp(el, 'hidden', !td);
  for (const el of form.querySelectorAll('.supervised-only')) setProp(el, 'hidden', td);
  const adam = form.elements.namedItem('optimizer').value === 'adam';
  for (const el of form.querySelectorAll('.adam-only')) setProp(el, 'hidden', !adam);
}
