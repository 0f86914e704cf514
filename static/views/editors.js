/**
 * @fileoverview Editing by hand: one weight (from its edge in the diagram) and
 * the next sample's s and y.  Each parses what was typed and hands a clean
 * value to its callback; the server has the last word on every value.
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

export class SampleEditor {
  /** @param {HTMLFormElement} form  @param {(index, s, y) => Promise<string|null>} onApply */
  init(form, onApply) {
    if (!form) throw new Error('SampleEditor needs its form');
    this.form = form;
    this.fields = form.querySelector('#sample-editor-fields');
    this.index = form.querySelector('#sample-editor-index');
    this.error = form.querySelector('#sample-editor-error');
    this.key = null;
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const read = (prefix) =>
        [...this.fields.querySelectorAll(`input[data-kind=${prefix}]`)].map((el) => parseNumber(el.value, el.getAttribute('aria-label')));
      const s = read('s');
      const y = read('y');
      const bad = [...s, ...y].find((v) => v instanceof Error);
      if (bad) {
        this.error.textContent = bad.message;
        return;
      }
      const problem = await onApply(this.sampleIndex, s, y);
      this.error.textContent = problem || '';
      if (!problem) this.key = null;
    });
    return this;
  }

  render(state) {
    const next = state.data && state.session ? state.counters.nextIndex : null;
    const key = `${state.session && state.session.id}/${next}/${state.dataVersion || 0}`;
    if (key === this.key || next === null) return;
    this.key = key;
    this.sampleIndex = next;
    this.index.textContent = `#${next + 1}`;
    this.fields.replaceChildren();
    const row = { s: state.data.s[next], y: state.data.y[next] };
    for (const kind of ['s', 'y']) {
      row[kind].forEach((v, i) => {
        const input = document.createElement('input');
        input.type = 'text';
        input.inputMode = 'decimal';
        input.dataset.kind = kind;
        input.value = String(v);
        input.setAttribute('aria-label', `${kind}${i + 1} of sample ${next + 1}`);
        input.className = 'sample-input';
        const label = document.createElement('span');
        label.textContent = `${kind}${i + 1}`;
        this.fields.append(label, input);
      });
    }
  }
}
