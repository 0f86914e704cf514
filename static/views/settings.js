/**
 * @fileoverview The settings form, made from the config table: reads a config
 * from it (every typed number through the page's one parser), shows beside
 * each field the server's message when it refuses a value, and shows the
 * config of each new session.
 */

import { setAttr, setText } from '../lib/dom.js';
import { CONFIG_FIELDS, onForm } from '../state/config.js';
import { appendField, fillField, readField } from './fields.js';
import { buildEnvironment, fillEnvironment, readEnvironment, showMode } from './tdsettings.js';

const FORM_FIELDS = CONFIG_FIELDS.filter(onForm);
const DATASET = CONFIG_FIELDS.find((f) => f.name === 'dataset');

export class SettingsView {
  /**
   * @param {HTMLFormElement} form  empty; filled from the config table
   * @param {(changed: string) => void} onChange  a field changed, or the form was submitted
   */
  init(form, onChange) {
    if (!form || !onChange) throw new Error('SettingsView needs the form and a change handler');
    this.form = form;
    this.onChange = onChange;
    buildEnvironment(form);
    for (const field of FORM_FIELDS) {
      appendField(form, field);
      if (field === DATASET) this.description = this._description();
    }
    // A field being typed in is not filled over by a session that arrives meanwhile (one an
    // earlier change asked for): what was typed is read when it changes, or dropped when the
    // learner leaves the field without changing it.
    this.typing = new Set();
    form.addEventListener('input', (e) => this.typing.add(e.target.name));
    form.addEventListener('focusout', (e) => this.typing.delete(e.target.name));
    form.addEventListener('change', (e) => {
      this.typing.delete(e.target.name);
      onChange(e.target.name);
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      onChange('dataset');
    });
    this.datasets = null;
    this.filled = null;
    return this;
  }

  _description() {
    const p = document.createElement('p');
    p.id = 'dataset-description';
    p.className = 'description supervised-only';
    this.form.appendChild(p);
    return p;
  }

  /** Fill the dataset list once the server has told us which there are. */
  _setDatasets(datasets) {
    const select = this.form.elements.namedItem('dataset');
    const want = select.value || DATASET.default;
    select.replaceChildren();
    for (const d of datasets) select.appendChild(new Option(`${d.name} (${d.n_s} → ${d.n_y}, ${d.size} samples)`, d.name));
    if (datasets.some((d) => d.name === want)) select.value = want;
    this.datasets = datasets;
  }

  /** Set field `name` to `value` and apply it, as if the learner had typed it (a lesson's one-click change). */
  change(name, value) {
    this.form.elements.namedItem(name).value = String(value);
    this.onChange(name);
  }

  /** Put a config's values into the form. */
  _fill(config) {
    for (const field of FORM_FIELDS) if (!this.typing.has(field.name)) fillField(this.form, field, config[field.name]);
    fillEnvironment(this.form, config);
  }

  /**
   * The config the form describes.  Returns {config, errors}: a value that is
   * not a number at all is caught here; ranges are the server's to judge.
   */
  read() {
    const config = {};
    const errors = {};
    for (const field of FORM_FIELDS) {
      const value = readField(this.form, field);
      if (value instanceof Error) errors[field.name] = value.message;
      else config[field.name] = value;
    }
    readEnvironment(this.form, config, errors, this.filled);
    return { config, errors };
  }

  render(state) {
    if (state.datasets !== this.datasets) this._setDatasets(state.datasets);
    // A new session (or a changed one) shows its config; a refused change keeps what was typed.
    const config = state.session && state.session.config;
    if (config && config !== this.filled) this._fill(config);
    this.filled = config;
    // What the rest shows: the errors and the menus the form's fields depend on (unchanged
    // while playing, so a played frame costs this comparison only).
    const field = (name) => this.form.elements.namedItem(name).value;
    const shown = [state.fieldErrors, config, field('mode'), field('optimizer'), field('dataset'), field('car_features')];
    if (this.shown && shown.every((v, i) => v === this.shown[i])) return;
    this.shown = shown;
    showMode(this.form);
    for (const el of this.form.querySelectorAll('.field-error')) {
      const message = state.fieldErrors[el.dataset.for] || '';
      setText(el, message);
      const input = this.form.elements.namedItem(el.dataset.for);
      if (input) setAttr(input, 'aria-invalid', message ? 'true' : 'false');
    }
    const d = (this.datasets || []).find((x) => x.name === field('dataset'));
    setText(this.description, d ? d.description : '');
  }
}
