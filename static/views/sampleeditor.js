/**
 * @fileoverview Editing the next sample's s and y by hand: each typed value is
 * parsed here and handed on clean; the server has the last word on them, and
 * its refusal is shown beside the fields.
 */

import { setAttr, setProp, setText } from '../lib/dom.js';
import { parseNumber } from '../lib/parse.js';

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
    // While playing the next sample changes sixty times a second: the editor shows the one
    // the pause leaves (no one edits a sample mid-play).
    if (state.play.playing && this.key !== null) return;
    this.key = key;
    this.sampleIndex = next;
    setText(this.index, `#${next + 1}`);
    const row = { s: state.data.s[next], y: state.data.y[next] };
    // The next sample of the same data set: the same fields, new values.
    const inputs = this.fields.querySelectorAll('input');
    if (inputs.length === row.s.length + row.y.length && this.dataVersion === state.dataVersion) {
      [...row.s, ...row.y].forEach((v, n) => {
        setProp(inputs[n], 'value', String(v));
        setAttr(inputs[n], 'aria-label', `${inputs[n].dataset.kind}${n < row.s.length ? n + 1 : n - row.s.length + 1} of sample ${next + 1}`);
      });
      return;
    }
    this.dataVersion = state.dataVersion;
    this.fields.replaceChildren();
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
