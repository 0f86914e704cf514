/**
 * @fileoverview The settings form: reads a config from it (the one place where
 * the learner's input is parsed), and shows beside each field the server's
 * message when it refuses a value.
 */

import { parseNumber } from '../lib/parse.js';
import { fillEnvironment, readEnvironment, showMode } from './tdsettings.js';

const NUMBER_FIELDS = { hidden: 'int', alpha_A: 'float', alpha_B: 'float', seed: 'int', epsilon: 'float' };
const CHOICE_FIELDS = ['dataset', 'f_A', 'f_B', 'loss', 'order', 'update_order', 'optimizer'];

export class SettingsView {
  /** @param {HTMLFormElement} form  @param {HTMLElement} description */
  init(form, description) {
    if (!form || !description) throw new Error('SettingsView needs the form and a description element');
    this.form = form;
    this.description = description;
    return this;
  }

  /** Fill the dataset list once the server has told us which there are. */
  setDatasets(datasets) {
    const select = this.form.elements.namedItem('dataset');
    const current = select.value;
    select.replaceChildren();
    for (const d of datasets) {
      const option = document.createElement('option');
      option.value = d.name;
      option.textContent = `${d.name} (${d.n_s} → ${d.n_y}, ${d.size} samples)`;
      select.appendChild(option);
    }
    if (current) select.value = current;
    this.datasets = datasets;
  }

  /** Put a config's values into the form. */
  fill(config) {
    for (const [name, value] of Object.entries(config)) {
      const input = this.form.elements.namedItem(name);
      if (!input || value === null) continue; // no data set (own data, or a walk): keep the list's choice
      if (input.type === 'checkbox') input.checked = Boolean(value);
      else input.value = String(value);
    }
    fillEnvironment(this.form, config);
  }

  /**
   * The config the form describes.  Returns {config, errors}: a value that is
   * not a number at all is caught here; ranges are the server's to judge.
   */
  read() {
    const config = {};
    const errors = {};
    for (const name of CHOICE_FIELDS) config[name] = this.form.elements.namedItem(name).value;
    config.bias = this.form.elements.namedItem('bias').checked;
    for (const [name, kind] of Object.entries(NUMBER_FIELDS)) {
      const value = parseNumber(this.form.elements.namedItem(name).value, name, { whole: kind === 'int' });
      if (value instanceof Error) errors[name] = value.message;
      else config[name] = value;
    }
    readEnvironment(this.form, config, errors);
    return { config, errors };
  }

  render(state) {
    showMode(this.form);
    for (const el of this.form.querySelectorAll('.field-error')) {
      const message = state.fieldErrors[el.dataset.for] || '';
      el.textContent = message;
      const input = this.form.elements.namedItem(el.dataset.for);
      if (input) input.setAttribute('aria-invalid', message ? 'true' : 'false');
    }
    const name = this.form.elements.namedItem('dataset').value;
    const d = (this.datasets || []).find((x) => x.name === name);
    this.description.textContent = d ? d.description : '';
  }
}
