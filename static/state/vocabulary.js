/**
 * @fileoverview The server's vocabulary, as the page was served with it (the element
 * vocabulary-data, from app/model/vocabulary.py): each activation and loss with its label,
 * its TeX templates and its errata; the choices of f_A, f_B and the loss; and the server's
 * constants the page works with, under the server's own names.  Read once, when the page
 * loads; the page keeps no copy of any of it.
 *
 * A template's places are filled here alone: {z} with a symbol as it is or a number as the
 * page shows it, {(z)} the same with a negative number in parentheses.
 */

import { tex } from '../lib/tex.js';

function served() {
  const el = document.getElementById('vocabulary-data');
  if (!el) throw new Error('the page came without its vocabulary (vocabulary-data): templates/index.html carries it');
  return JSON.parse(el.textContent);
}

const VOCABULARY = served();

/** The server's constants: MAX_STEPS, MAX_UNIT_VALUES, ADAM_BETA_1, ADAM_BETA_2, LESSON_PARTS, MAX_NOTE. */
export const CONSTANTS = VOCABULARY.constants;

const PLACE = /\{(?:\(([a-z_]+)\)|([a-z_]+))\}/g;

/** `template` with the places named in `values` filled (a string: a symbol; a number: shown as the page shows numbers). */
export function fill(template, values) {
  return template.replace(PLACE, (whole, paren, plain) => {
    const name = paren || plain;
    if (!(name in values)) return whole; // braces of TeX's own, such as \text{otherwise}
    const v = values[name];
    return typeof v === 'number' ? tex(v, Boolean(paren)) : v;
  });
}

function entry(table, name, what) {
  const found = VOCABULARY[table][name];
  if (!found) throw new Error(`the vocabulary has no ${what} “${name}”`);
  return found;
}

/** The config field's (f_A, f_B or loss) default and its choices as [name, label] pairs, in the server's order. */
export function choicesOf(field) {
  const { default: fallback, names } = VOCABULARY.choices[field];
  const table = field === 'loss' ? 'losses' : 'activations';
  return { default: fallback, choices: names.map((name) => [name, VOCABULARY[table][name].label]) };
}

/** The activation's label: what the page calls it. */
export function activationLabel(name) {
  return entry('activations', name, 'activation').label;
}

/** f(z), for a symbol or a number z. */
export function activationTex(name, z) {
  return fill(entry('activations', name, 'activation').tex, { z });
}

/** f′ written with the output symbol f and the input symbol z. */
export function derivativeRule(name, f, z) {
  return fill(entry('activations', name, 'activation').rule, { f, z });
}

/** f′ with the numbers of a step in it: the input z and the output f. */
export function derivativeAt(name, z, f) {
  const at = entry('activations', name, 'activation').at;
  return fill(z > 0 ? at.positive : at.otherwise, { f, z });
}

/** Is f′ a constant (its rule names neither f nor z)?  Then the page shows its value alone, not worked out. */
export function constantDerivative(name) {
  const { rule } = entry('activations', name, 'activation');
  return fill(rule, { f: 'f', z: 'z' }) === rule;
}

/** The slides' errata about the activation ({id, text, short}), none for a name that is not one (no session yet). */
export function activationErrata(name) {
  return name in VOCABULARY.activations ? VOCABULARY.activations[name].errata : [];
}

/** One output's term of the loss, for ŷ_k and y_k (symbols or numbers). */
export function lossTex(name, yHat, y) {
  return fill(entry('losses', name, 'loss').tex, { y_hat: yHat, y });
}

/** ∂L/∂ŷ_k, for ŷ_k and y_k (symbols or numbers). */
export function lossRule(name, yHat, y) {
  return fill(entry('losses', name, 'loss').rule, { y_hat: yHat, y });
}
