/**
 * @fileoverview The core's own NumPy source for one step, as the server reads
 * it from the module that runs, with the lines of the current phase marked.
 */

import { mark, setAttr, setText } from '../lib/dom.js';
import { shownPhase } from '../state/phases.js';

export class CodeView {
  /** @param {HTMLElement} container  a <pre>  @param {HTMLElement} caption */
  init(container, caption) {
    if (!container || !caption) throw new Error('CodeView needs a container and a caption');
    this.container = container;
    this.caption = caption;
    this.built = null;
    this.lines = [];
    return this;
  }

  build(source) {
    this.container.replaceChildren();
    this.lines = source.lines.map((text, i) => {
      const line = document.createElement('span');
      line.className = 'code-src';
      line.dataset.line = String(source.first_line + i);
      const number = document.createElement('span');
      number.className = 'code-num';
      number.textContent = String(source.first_line + i).padStart(4, ' ');
      line.append(number, document.createTextNode(` ${text}\n`));
      this.container.appendChild(line);
      return line;
    });
    this.built = source;
  }

  render(state) {
    const source = state.source;
    if (!source) return;
    if (this.built !== source) {
      this.build(source);
      this.phase = undefined;
    }
    const phase = shownPhase(state);
    if (phase === this.phase) return; // the same lines stay marked
    this.phase = phase;
    const marked = new Set(phase ? source.phases[phase] : []);
    let first = null;
    this.lines.forEach((line, i) => {
      const on = marked.has(i);
      mark(line, 'current', on);
      if (on && first === null) first = line;
    });
    setAttr(this.container, 'data-phase', phase || 'none');
    setText(this.caption, phase
      ? `${source.file}, ${source.function}(): the marked lines compute this phase — the same quantity the equations panel shows and the diagram highlights.`
      : `${source.file}, ${source.function}(): the code that takes every step, as it runs on the server.`);
    if (first && this.lastFirst !== first) {
      this.container.scrollTop = Math.max(0, first.offsetTop - this.container.offsetTop - 40);
      this.lastFirst = first;
    }
  }
}
