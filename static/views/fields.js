/**
 * @fileoverview One settings field from its row of the config table: the
 * labelled control with the place for the server's message beside it, how a
 * config's value goes into it, and how what the learner chose comes out.
 */

import { richText, setProp } from '../lib/dom.js';
import { parseNumber } from '../lib/parse.js';
import { choicePairs, formName } from '../state/config.js';

// Classes that show a field only in its mode, with its optimizer or with control mode's features
// (see showMode in tdsettings.js).
const ONLY_CLASS = { supervised: 'supervised-only', adam: 'adam-only', tiles: 'tiles-only', network: 'network-only' };

/** A <select> named `name` with [value, label] options. */
export function selectOf(name, pairs) {
  const select = document.createElement('select');
  select.name = name;
  for (const [value, label] of pairs) select.appendChild(new Option(label, value));
  return select;
}

function controlOf(field) {
  if (field.kind === 'choice') {
    const select = selectOf(formName(field), choicePairs(field));
    select.value = String(field.default);
    return select;
  }
  const input = document.createElement('input');
  input.name = formName(field);
  if (field.kind === 'bool') {
    input.type = 'checkbox';
    input.defaultChecked = field.default;
    return input;
  }
  input.type = 'number';
  if (field.kind === 'int') input.inputMode = 'numeric';
  else input.step = 'any';
  input.defaultValue = String(field.default);
  return input;
}

/** A label holding the field's text and its control, then the place for its error: appended to `parent`. */
export function appendField(parent, field) {
  const label = document.createElement('label');
  const only = ONLY_CLASS[field.only];
  if (only) label.className = only;
  // The default optimizer is SGD, so Adam's fields start hidden.
  if (field.only === 'adam') label.hidden = true;
  const text = document.createElement('span');
  text.className = 'label-text';
  richText(text, field.label);
  label.append(text, ' ', controlOf(field));
  parent.append(label, errorSlot(formName(field)));
}

/** Where the server's message about field `name` goes. */
export function errorSlot(name) {
  const error = document.createElement('span');
  error.className = 'field-error';
  error.dataset.for = name;
  error.setAttribute('role', 'alert');
  return error;
}

/** Put a config's `value` into the field's control (null: keep what it shows). */
export function fillField(form, field, value) {
  const control = form.elements.namedItem(formName(field));
  if (!control || value === null || value === undefined) return;
  if (field.kind === 'bool') setProp(control, 'checked', Boolean(value));
  else setProp(control, 'value', String(value));
}

/** What the learner chose for the field: its value, or an Error saying why it is not a number. */
export function readField(form, field) {
  const control = form.elements.namedItem(formName(field));
  if (field.kind === 'bool') return control.checked;
  if (field.kind === 'int' || field.kind === 'float') {
    return parseNumber(control.value, field.name, { whole: field.kind === 'int' });
  }
  return control.value;
}
