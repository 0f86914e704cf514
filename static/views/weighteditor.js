/**
 * @fileoverview Editing one weight by hand, from its edge in the diagram: the
 * typed value is parsed here and handed on clean; the server has the last
 * word on it, and its refusal is shown beside what was typed.
 */

import { parseNumber } from '../lib/parse.js';
import { shownWeights } from '../state/trace.js';

export class WeightEditor {
  /** @param {HTMLFormElement} form  @param {(name, a, b, value) => Promise<string|null>} onSet */
  init(form, onSet) {
    if (!form) throw new Error('WeightEditor needs its form');
    this.form = form;
    this.input = form.querySelector('#weight-editor-value');
    this.label = form.querySelector('#weight-editor-label');
    this.error = form.querySelector('#weight-editor-error');
    this.cell = null;
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const { name, a, b } = this.cell;
      const value = parseNumber(this.input.value, `${name}[${a + 1},${b + 1}]`);
      if (value instanceof Error) {
        this.error.textContent = value.message;
        return;
      }
      const problem = await onSet(name, a, b, value);
      if (problem) this.error.textContent = problem;
      else this.close();
    });
    form.querySelector('#weight-editor-cancel').addEventListener('click', () => this.close());
    form.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.close();
    });
    return this;
  }

  /** Open for an edge, optionally starting with a typed character. */
  open(cell, state, firstChar = null) {
    const W = shownWeights(state)[cell.name];
    this.cell = cell;
    this.returnFocus = cell.g;
    this.label.textContent = `${cell.name}${cell.a + 1},${cell.b + 1} =`;
    this.input.value = firstChar ?? String(W[cell.a][cell.b]);
    this.error.textContent = '';
    this.form.hidden = false;
    const r = cell.line.getBoundingClientRect();
    const box = this.form.parentElement.getBoundingClientRect();
    this.form.style.left = `${Math.max(0, Math.min(r.left + r.width / 2 - box.left - 120, box.width - 330))}px`;
    this.form.style.top = `${r.top + r.height / 2 - box.top + 10}px`;
    this.input.focus();
    if (firstChar === null) this.input.select();
  }

  close() {
    this.form.hidden = true;
    if (this.returnFocus) this.returnFocus.focus();
    this.cell = null;
  }
}
