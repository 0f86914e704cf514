/**
 * @fileoverview The CSV panel: a file button and a drop zone, the file's
 * columns each with its role (input, target or not used), the button that
 * trains on it, and every problem with the file named by row and column.
 */

import { setProp, setText } from '../lib/dom.js';

const ROLES = [['input', 'input s'], ['target', 'target y'], ['skip', 'not used']];
const SHOWN_VALUES = 3; // first values of each column, to recognize it by

export class CsvPanel {
  /**
   * @param {HTMLElement} panel
   * @param {{file: (f: File) => void, role: (i: number, role: string) => void, apply: () => void}} on
   */
  init(panel, on) {
    if (!panel || !on) throw new Error('CsvPanel needs its panel and its handlers');
    const $ = (id) => panel.querySelector(`#${id}`);
    this.summary = $('csv-summary');
    this.columns = $('csv-columns');
    this.apply = $('csv-apply');
    this.error = $('csv-error');
    const input = $('csv-file');
    input.addEventListener('change', () => {
      if (input.files.length) on.file(input.files[0]);
      input.value = '';
    });
    const drop = $('csv-drop');
    drop.addEventListener('dragover', (e) => {
      e.preventDefault();
      drop.classList.add('dragging');
    });
    drop.addEventListener('dragleave', () => drop.classList.remove('dragging'));
    drop.addEventListener('drop', (e) => {
      e.preventDefault();
      drop.classList.remove('dragging');
      const files = e.dataTransfer && e.dataTransfer.files;
      if (files && files.length) on.file(files[0]);
    });
    this.columns.addEventListener('change', (e) => on.role(Number(e.target.dataset.column), e.target.value));
    this.apply.addEventListener('click', on.apply);
    this.shown = null;
    return this;
  }

  render(state) {
    const csv = state.csv;
    setText(this.error, (csv && csv.error) || '');
    setProp(this.apply, 'hidden', !(csv && csv.table));
    if (!csv || !csv.table) {
      setText(this.summary, csv && csv.name ? `${csv.name}: nothing to train on yet.` : 'Columns of numbers, one sample a row; a header row is optional.');
      this.columns.replaceChildren();
      this.shown = null;
      return;
    }
    const t = csv.table;
    setText(this.summary, csv.applied
      ? `Training on ${csv.name}: ${t.rows.length} rows, inputs ${csv.applied.inputs.join(', ')}, targets ${csv.applied.targets.join(', ')}.`
      : `${csv.name}: ${t.rows.length} rows of ${t.columns.length} columns, ${t.header ? 'with a header row' : 'no header row (columns numbered)'}. Choose the inputs and the targets:`);
    if (this.shown !== t) this._columns(t);
    this.shown = t;
    this.columns.querySelectorAll('select').forEach((select, i) => {
      setProp(select, 'value', csv.roles[i]);
    });
  }

  _columns(t) {
    this.columns.replaceChildren();
    t.columns.forEach((name, i) => {
      const label = document.createElement('label');
      label.className = 'csv-column';
      const text = document.createElement('span');
      const first = t.rows.slice(0, SHOWN_VALUES).map((r) => r[i]).join(', ');
      text.textContent = `${name} (${first}${t.rows.length > SHOWN_VALUES ? ', …' : ''})`;
      const select = document.createElement('select');
      select.dataset.column = String(i);
      select.name = `csv-role-${i}`;
      for (const [value, shown] of ROLES) select.appendChild(new Option(shown, value));
      label.append(text, ' ', select);
      this.columns.appendChild(label);
    });
  }
}
