/**
 * @fileoverview The equation of the current phase, as the slides write it,
 * then with this step's numbers substituted, rendered with KaTeX.  The results
 * shown are the server's numbers; the page only substitutes them.  While
 * playing, the equations are typeset once a second, not every frame;
 * the frame on show when play stops is always typeset.
 */

import { katex } from '../lib/libraries.js';
import { richText, setAttr, setProp, setText } from '../lib/dom.js';
import { Pace } from '../lib/pace.js';
import { count, ij, sub } from '../lib/format.js';
import { chain, matrixTex, sumOf, tex } from '../lib/tex.js';
import { PHASES, coversEveryPhase, phasesOf } from '../state/phases.js';
import {
  activationErrata, activationLabel, activationTex, constantDerivative, derivativeAt, derivativeRule, lossRule, lossTex,
} from '../state/vocabulary.js';
import { adjustLines } from './tdequations.js';
import { LineForms, ONE_SCREEN, fitLines, setScale } from '../lib/fit.js';

const KATEX_OPTIONS = { displayMode: true, throwOnError: false, output: 'htmlAndMathml' };
// While playing, the lines change faster than anyone reads them aloud: they are typeset without
// their MathML (half the elements to make and lay out), and with it again once play stops.
const PLAYING_KATEX_OPTIONS = { ...KATEX_OPTIONS, output: 'html' };
const MAX_LINES = 4; // worked lines per phase; the rest are in the diagram
const MATRIX_COLUMNS = 6; // a wider matrix runs off a projector's panel: its entries are on the diagram
const PLAYING_TYPESET_MS = 1000; // while playing, at most one typesetting a second

/** The line saying how many worked rows are on the diagram only (written when the lines are fitted). */
function more(count) {
  return [{ more: count }];
}

function rows(count, line) {
  return Array.from({ length: Math.min(count, MAX_LINES) }, (_, i) => {
    const out = line(i);
    return { ...(typeof out === 'string' ? { tex: out } : out), row: true };
  });
}

/** What the "more" line says when `shown` of `count` worked rows are on show. */
function moreText(count, shown) {
  return count > shown ? `… and ${count - shown} more, shown on the diagram.` : '';
}

/** Lines for each phase: {tex} for an equation, {text} for a sentence. */
const PHASE_LINES = coversEveryPhase({
  psi: (t) => [
    { tex: '\\psi_j = \\sum_i s_i A_{ij} \\qquad \\psi \\doteq \\mathbf{s}\\mathbf{A}' },
    ...rows(t.psi.length, (j) => {
      const terms = t.s.map((s, i) => `${tex(s)} \\times ${tex(t.A_before[i][j], true)}`);
      return chain(`\\psi_{${sub(j)}}`, sumOf(terms), tex(t.psi[j]));
    }),
    ...more(t.psi.length),
  ],
  x: (t, c) => [
    { tex: `x_j = f_A(\\psi_j) = ${activationTex(c.f_A, '\\psi_j')} \\qquad (f_A = \\text{${activationLabel(c.f_A)}})` },
    ...rows(t.psi.length, (j) => `x_{${sub(j)}} = ${activationTex(c.f_A, t.psi[j])} = ${tex(t.x[j])}`),
    ...more(t.psi.length),
    ...(c.bias ? [{ text: 'The last entry of x is the bias unit: always 1.' }] : []),
  ],
  theta: (t) => [
    { tex: '\\theta_k = \\sum_j x_j B_{jk} \\qquad \\theta \\doteq \\mathbf{x}\\mathbf{B}' },
    ...rows(t.theta.length, (k) => {
      const terms = t.x.map((x, j) => `${tex(x)} \\times ${tex(t.B_before[j][k], true)}`);
      return chain(`\\theta_{${sub(k)}}`, sumOf(terms), tex(t.theta[k]));
    }),
    ...more(t.theta.length),
  ],
  y_hat: (t, c) => [
    { tex: `\\hat{y}_k = f_B(\\theta_k) = ${activationTex(c.f_B, '\\theta_k')} \\qquad (f_B = \\text{${activationLabel(c.f_B)}})` },
    ...rows(t.theta.length, (k) => `\\hat{y}_{${sub(k)}} = ${activationTex(c.f_B, t.theta[k])} = ${tex(t.y_hat[k])}`),
    ...more(t.theta.length),
  ],
  loss: (t, c) => {
    const terms = t.y_hat.map((yh, k) => lossTex(c.loss, yh, t.y[k]));
    return [
      { tex: `L = \\sum_k ${lossTex(c.loss, '\\hat{y}_k', 'y_k')}` },
      { tex: `L = ${terms.slice(0, MAX_LINES).join(' + ')}${terms.length > MAX_LINES ? ' + \\cdots' : ''} = ${tex(t.loss)}` },
    ];
  },
  delta_B: (t, c) => {
    const dL = lossRule(c.loss, '\\hat{y}_k', 'y_k');
    const dLnum = (k) => lossRule(c.loss, t.y_hat[k], t.y[k]);
    // f_B′ with the numbers in it; a constant one (linear's 1) as it is.
    const dfB = (k) => {
      const at = derivativeAt(c.f_B, t.theta[k], t.y_hat[k]);
      return constantDerivative(c.f_B) ? at : `(${at})`;
    };
    return [
      { tex: '\\delta^B_k = \\frac{\\partial L(\\hat{y}_k, y_k)}{\\partial \\hat{y}_k}\\,\\frac{\\partial f_B(\\theta_k)}{\\partial \\theta_k}' },
      { tex: `\\frac{\\partial L}{\\partial \\hat{y}_k} = ${dL}, \\qquad f_B'(\\theta_k) = ${derivativeRule(c.f_B, '\\hat{y}_k', '\\theta_k')}` },
      ...rows(t.delta_B.length, (k) =>
        chain(`\\delta^B_{${sub(k)}}`, `${dLnum(k)} \\times ${dfB(k)}`, `${tex(t.dL_dy_hat[k])} \\times ${tex(t.df_B[k], true)}`, tex(t.delta_B[k]))),
      ...more(t.delta_B.length),
      { text: 'One slide writes δ^{B}_{k} = (ŷ_{k} − y_{k}) x_{j}: the x_{j} belongs to ∇_{B}, the next line.' },
    ];
  },
  grad_B: (t) => [
    { tex: '\\nabla_B^{jk} = \\delta^B_k\\, x_j' },
    ...rows(t.x.length, (j) =>
      `\\nabla_B^{${ij(j, 0)}} = ${tex(t.delta_B[0])} \\times ${tex(t.x[j], true)} = ${tex(t.grad_B[j][0])}`),
    ...more(t.x.length),
    ...(t.x.length * t.delta_B.length <= 24 ? [{ tex: `\\nabla_B = ${matrixTex(t.grad_B)}` }] : []),
  ],
  update_B: (t, c) => [
    { tex: '\\mathbf{B} \\leftarrow \\mathbf{B} - \\alpha_B \\nabla_B' },
    ...rows(t.B.length, (j) =>
      `B_{${ij(j, 0)}} = ${tex(t.B_before[j][0])} - ${tex(c.alpha_B)} \\times ${tex(t.grad_B[j][0], true)} = ${tex(t.B[j][0])}`),
    ...more(t.B.length),
    ...(t.B.length * t.B[0].length <= 24 ? [{ tex: `\\mathbf{B} = ${matrixTex(t.B)}` }] : []),
  ],
  delta_A: (t, c) => {
    const slides = c.update_order === 'slides';
    const Bused = slides ? t.B : t.B_before;
    const Bother = slides ? t.B_before : t.B;
    const nx = t.delta_A.length;
    const lines = [
      { tex: "\\delta^A_j = \\Big(\\sum_k B_{jk}\\, \\delta^B_k\\Big)\\, f_A'(\\psi_j)" },
      { tex: `f_A'(\\psi_j) = ${derivativeRule(c.f_A, 'x_j', '\\psi_j')} \\qquad (f_A = \\text{${activationLabel(c.f_A)}})` },
      {
        tex: `f_A'(\\psi) = (${t.df_A.slice(0, 8).map((v) => tex(v)).join(',\\ ')}${nx > 8 ? ',\\ \\dots' : ''})`,
      },
      ...rows(nx, (j) => {
        const terms = t.delta_B.map((d, k) => `${tex(Bused[j][k])} \\times ${tex(d, true)}`);
        return chain(`\\delta^A_{${sub(j)}}`, `(${sumOf(terms)}) \\times ${tex(t.df_A[j], true)}`, tex(t.delta_A[j]));
      }),
      ...more(nx),
    ];
    for (const erratum of activationErrata(c.f_A)) lines.push({ text: erratum.text, erratum: true });
    if (slides) {
      const backprop = Array.from({ length: nx }, (_, j) =>
        t.delta_B.reduce((acc, d, k) => acc + Bother[j][k] * d, 0) * t.df_A[j]);
      lines.push({
        text: 'Slides’ order: this δ^{A} used B after its update (the line above). Backprop proper uses B before the update, which would give:',
        erratum: true,
      });
      lines.push({ tex: `\\delta^A_{\\text{backprop}} = (${backprop.slice(0, 8).map((v) => tex(v)).join(',\\ ')})` });
    } else {
      lines.push({ text: 'Backprop order: B as it was before this step’s update. (The slides’ pseudo-code would use the already-updated B.)' });
    }
    return lines;
  },
  grad_A: (t) => [
    { tex: '\\nabla_A^{ij} = \\delta^A_j\\, s_i' },
    ...rows(t.s.length, (i) =>
      `\\nabla_A^{${ij(i, 0)}} = ${tex(t.delta_A[0])} \\times ${tex(t.s[i], true)} = ${tex(t.grad_A[i][0])}`),
    ...more(t.s.length),
    ...(t.s.length * t.delta_A.length <= 24 && t.delta_A.length <= MATRIX_COLUMNS ? [{ tex: `\\nabla_A = ${matrixTex(t.grad_A)}` }] : []),
  ],
  update_A: (t, c) => [
    { tex: '\\mathbf{A} \\leftarrow \\mathbf{A} - \\alpha_A \\nabla_A' },
    ...rows(t.A.length, (i) =>
      `A_{${ij(i, 0)}} = ${tex(t.A_before[i][0])} - ${tex(c.alpha_A)} \\times ${tex(t.grad_A[i][0], true)} = ${tex(t.A[i][0])}`),
    ...more(t.A.length),
    ...(t.A.length * t.A[0].length <= 24 && t.A[0].length <= MATRIX_COLUMNS ? [{ tex: `\\mathbf{A} = ${matrixTex(t.A)}` }] : []),
  ],
}, 'the equations panel');

/** What a line is made from: equal sources typeset to the same line. */
function sourceOf(line) {
  if (line.more !== undefined) return `more:${line.more}`;
  return `${line.row ? 'row' : ''}${line.tex ? `tex:${line.tex}` : `${line.erratum ? 'erratum' : 'note'}:${line.text}`}`;
}

export class EquationsView {
  /** @param {HTMLElement} container  @param {HTMLElement} heading */
  init(container, heading) {
    if (!container || !heading) throw new Error('EquationsView needs a container and a heading');
    this.container = container;
    this.heading = heading;
    this.key = null;
    this.pace = new Pace(PLAYING_TYPESET_MS, (state) => this.render(state));
    // A line too wide for the panel is set again with one "= …" per line; then, on one screen,
    // the lines are fitted to the panel (lib/fit.js).  Both measure once per typesetting, and
    // again when the panel's own size changes (a resize, the derivation closing).
    this.forms = new LineForms((source, div) => katex().render(source, div, this.sourcesOptions));
    this.oneScreen = window.matchMedia(ONE_SCREEN);
    this.room = null;
    new ResizeObserver((entries) => {
      const r = entries[entries.length - 1].contentRect;
      const room = `${Math.round(r.width)}x${Math.round(r.height)}`;
      // Only a size the page gave the panel, never one its lines gave it (a phone's panel grows with them).
      if (room === this.room || !this.oneScreen.matches || !this.sources) return;
      this.room = room;
      this._fit();
    }).observe(container);
    return this;
  }

  render(state) {
    const t = state.trace;
    const phase = t && state.phase >= 0 ? PHASES[state.phase] : null;
    // Presenter mode changes the type size, so lines are measured (and wrapped) again.
    const where = `${state.session && state.session.id}/${state.presenter}/${state.textSize}/${state.play.playing}`;
    const key = phase ? `${state.counters.step}/${phase.id}/${where}` : `none/${where}`;
    if (key === this.key || !katex() || !this.pace.due(state)) return;
    this.key = key;
    setAttr(this.container, 'aria-live', state.play.playing ? 'off' : 'polite');
    this._typeset(state, phase);
  }

  _typeset(state, phase) {
    const t = state.trace;
    if (!phase) {
      this.container.replaceChildren();
      this.sources = [];
      setText(this.heading, 'Equations');
      const p = document.createElement('p');
      p.textContent = 'Press “Next phase” (N) to take one SGD step on the sample shown above, one equation at a time.';
      this.container.appendChild(p);
      setAttr(this.container, 'data-phase', 'none');
      return;
    }
    const steps = phasesOf(state.session.config); // the tile coder's step has no phases of A
    const k = steps.indexOf(phase);
    // While playing the lines are typeset at most once a second, the diagram every frame: the
    // heading says whose numbers the lines hold.
    const of = state.play.playing ? `, step ${count(state.counters.step)}` : '';
    richText(this.heading, k < 0 ? `${phase.title}${of}` : `Phase ${k + 1} of ${steps.length}: ${phase.title}${of}`);
    setAttr(this.container, 'data-phase', phase.id);
    const config = state.session.config;
    // A line the same as the one already in its place stays: typesetting anew and laying out a
    // formula costs more than comparing its source (a phase's first lines rarely change).
    const old = [...this.container.children];
    const options = state.play.playing ? PLAYING_KATEX_OPTIONS : KATEX_OPTIONS;
    const same = `${state.presenter}/${state.textSize}` === this.sourcesPresenter && options === this.sourcesOptions &&
      (this.sources || []).length === old.length;
    const kept = same ? this.sources : [];
    const lines = adjustLines(phase.id, t, config, PHASE_LINES[phase.id](t, config));
    const sources = lines.map(sourceOf);
    lines.forEach((line, i) => {
      if (kept[i] === sources[i]) return;
      const div = document.createElement('div');
      if (line.more !== undefined) {
        div.className = 'eq-note eq-more';
        div.dataset.count = String(line.more);
      } else if (line.tex) {
        div.className = line.row ? 'eq eq-row' : 'eq';
        katex().render(line.tex, div, options);
        if (line.wrapped) this.forms.add(div, line.medium ? [line.medium, line.wrapped] : [line.wrapped]);
      } else {
        div.className = line.erratum ? 'eq-note erratum' : 'eq-note';
        richText(div, line.text);
      }
      if (i < old.length) old[i].replaceWith(div);
      else this.container.appendChild(div);
    });
    for (const extra of old.slice(lines.length)) extra.remove();
    this.sources = sources;
    this.sourcesPresenter = `${state.presenter}/${state.textSize}`;
    this.sourcesOptions = options;
    // While playing, the lines of one phase change their numbers only: the last fit is tried first.
    this.fitKind = state.play.playing ? `${phase.id}/${sources.length}/${this.sourcesPresenter}` : null;
    this._fit();
  }

  /** Every line on show without scrolling the panel (lib/fit.js); a line too wide in a narrower form. */
  _fit() {
    const box = this.container;
    const more = box.querySelector('.eq-more');
    const rows = [...box.querySelectorAll('.eq-row')];
    const onRows = (shown) => {
      if (!more) return;
      const text = moreText(Number(more.dataset.count), shown);
      setText(more, text);
      setProp(more, 'hidden', text === '');
    };
    setScale(box, 1);
    this.forms.measure(box);
    const choose = () => this.forms.choose(box, Number(box.dataset.fit));
    const kind = this.fitKind && `${this.fitKind}/${rows.length}/${box.clientWidth}x${box.clientHeight}`;
    const last = kind && this.lastFit && this.lastFit.kind === kind ? this.lastFit : null;
    // A phone's panel grows with its lines: there only a line too wide makes the type smaller.
    const fitted = fitLines(box, { rows, onRows, beforeMeasure: choose, last });
    this.lastFit = kind ? { ...fitted, kind } : null;
    if (box.dataset.fits !== String(fitted.fits)) box.dataset.fits = String(fitted.fits);
  }
}
