/**
 * @fileoverview The slides' backprop algorithm, line by line, with the line of
 * the current phase highlighted.  Built once; render() only moves the highlight.
 */

import { katex } from '../lib/libraries.js';
import { mark, richText, setAttr } from '../lib/dom.js';
import { count } from '../lib/format.js';
import { PHASES } from '../state/phases.js';
import { activationErrata } from '../state/vocabulary.js';
import { isControl } from '../state/control.js';
import { isTD } from '../state/td.js';

const LINES = [
  { id: 'loop', tex: '\\textbf{for each } (\\mathbf{s}, \\mathbf{y}) \\textbf{ in } D:' },
  {
    id: 'forward',
    tex: '\\psi = \\mathbf{s}\\mathbf{A},\\ \\ \\mathbf{x} = f_A(\\psi),\\ \\ \\theta = \\mathbf{x}\\mathbf{B},\\ \\ \\hat{\\mathbf{y}} = f_B(\\theta)',
    note: 'the forward pass, which the slides’ algorithm takes as given',
  },
  {
    id: 'delta_B',
    tex: '\\delta^B_k = \\frac{\\partial L(\\hat{y}_k, y_k)}{\\partial \\hat{y}_k} \\frac{\\partial f_B(\\theta_k)}{\\partial \\theta_k}',
  },
  { id: 'grad_B', tex: '\\nabla_B^{jk} = \\delta^B_k\\, x_j' },
  { id: 'update_B', tex: '\\mathbf{B} = \\mathbf{B} - \\alpha_B \\nabla_B' },
  {
    id: 'delta_A',
    tex: '\\delta^A_j = (B_{jk}\\, \\delta^B_k)\\, \\frac{\\partial f_A(\\psi_j)}{\\partial \\psi_j}',
  },
  { id: 'grad_A', tex: '\\nabla_A^{ij} = \\delta^A_j\\, s_i' },
  { id: 'update_A', tex: '\\mathbf{A} = \\mathbf{A} - \\alpha_A \\nabla_A' },
];

for (const phase of PHASES) {
  if (!LINES.some((line) => line.id === phase.line)) throw new Error(`the slides’ algorithm has no line ${phase.line}`);
}

/** What D is in TD and control modes, where the samples come from the agent's moves. */
function loopNote(cfg) {
  const env = cfg.environment;
  if (isControl(cfg)) {
    const replay = env.replay ? `; then ${env.replay} more steps on transitions drawn from the last ${count(env.buffer)}` : '';
    return `here each (s, y) is a transition’s: s = S, y = the target for the action taken A and ŷ for the others${replay}`;
  }
  if (isTD(cfg)) return 'here each (s, y) is a move of the walk’s: s = S’s features, y = its target';
  return '';
}

export class PseudoCodeView {
  /** @param {HTMLElement} container  an <ol> */
  init(container) {
    if (!container) throw new Error('PseudoCodeView needs a container');
    this.container = container;
    this.items = {};
    for (const line of LINES) {
      const li = document.createElement('li');
      li.id = `code-${line.id}`;
      li.className = line.id === 'loop' ? 'code-line loop' : 'code-line';
      const math = document.createElement('span');
      math.className = 'code-math';
      li.appendChild(math);
      const note = document.createElement('span');
      note.className = 'code-note';
      if (line.note) note.textContent = line.note;
      li.appendChild(note);
      container.appendChild(li);
      this.items[line.id] = { li, math, tex: line.tex, note, base: line.note || '' };
    }
    this.typeset = false;
    return this;
  }

  /** The lines' formulas, once KaTeX is in. */
  _typeset() {
    const tex = katex();
    if (this.typeset || !tex) return;
    for (const item of Object.values(this.items)) tex.render(item.tex, item.math, { throwOnError: false, output: 'htmlAndMathml' });
    this.typeset = true;
  }

  render(state) {
    this._typeset();
    const current = state.trace && state.phase >= 0 ? PHASES[state.phase].line : null;
    const cfg = (state.session && state.session.config) || {};
    if (current === this.current && cfg === this.cfg) return; // a played frame: the same line, the same notes
    this.current = current;
    this.cfg = cfg;
    for (const [id, item] of Object.entries(this.items)) {
      const on = id === current;
      mark(item.li, 'current', on);
      if (on) setAttr(item.li, 'aria-current', 'step');
      else item.li.removeAttribute('aria-current'); // quiet when it has none
    }
    // Where the app's arithmetic departs from the slides' text, say so on the line.
    const notes = {
      loop: loopNote(cfg),
      update_B:
        cfg.update_order === 'slides'
          ? 'slides’ order: B changes here, before δ^{A} reads it'
          : 'backprop order: applied after δ^{A} has read the old B',
      delta_A: activationErrata(cfg.f_A).map((erratum) => erratum.short).join('; '),
    };
    for (const [id, text] of Object.entries(notes)) richText(this.items[id].note, text);
  }
}
