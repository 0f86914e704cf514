/**
 * @fileoverview The derivation panel: the slides' chain rule for the weight
 * the learner picked, one line more at each Next, typeset with KaTeX, with the
 * path from the weight to L and the factor the line adds marked on the diagram.
 * The lines come from state/derivation.js; this view typesets and marks them.
 */

import { katex } from '../lib/libraries.js';
import { ONE_SCREEN, fitLines, setScale } from '../lib/fit.js';
import { mark, richText, setAttr, setProp, setText } from '../lib/dom.js';
import { fmt, sub } from '../lib/format.js';
import { pathOf, reuseNote } from '../state/derivation.js';

const KATEX_OPTIONS = { displayMode: true, throwOnError: false, output: 'htmlAndMathml' };
const PATH = 'derive-path';
const FACTOR = 'derive-factor';

/** The diagram's element of `id`; A's edges from the input strip go by their hidden unit. */
function diagramElement(id) {
  const found = document.getElementById(id);
  if (found) return found;
  const m = /^edge-A-\d+-(\d+)$/.exec(id);
  return m ? document.getElementById(`edge-A-active-${m[1]}`) : null;
}

function note(parent, text, cls) {
  const p = document.createElement('p');
  p.className = cls;
  richText(p, text);
  parent.appendChild(p);
  return p;
}

export class DerivationView {
  /**
   * @param {HTMLElement} panel  shown while a weight is derived
   * @param {{prev: () => void, next: () => void, close: () => void}} on  the panel's buttons
   */
  init(panel, on) {
    if (!panel || !on) throw new Error('DerivationView needs its panel and its handlers');
    this.panel = panel;
    this.title = panel.querySelector('#derivation-title');
    this.where = panel.querySelector('#derivation-where');
    this.lines = panel.querySelector('#derivation-lines');
    this.prev = panel.querySelector('#derivation-prev');
    this.next = panel.querySelector('#derivation-next');
    this.reuse = document.getElementById('meter-reuse');
    this.prev.addEventListener('click', on.prev);
    this.next.addEventListener('click', on.next);
    panel.querySelector('#derivation-close').addEventListener('click', on.close);
    this.key = null;
    this.oneScreen = window.matchMedia(ONE_SCREEN);
    this.fitted = null; // what the lines were last fitted for
    // The panel's size changes with the screen, not with its lines (contain: strict): fitted again then.
    new ResizeObserver(() => {
      if (this.fitted !== null) this._fit(`${this.fitted}/`);
    }).observe(this.lines);
    this.typeset = new Map(); // the lines already typeset for the check on show
    this.marked = false; // the diagram carries this panel's path marks
    return this;
  }

  render(state) {
    const dv = state.derivation;
    setProp(this.panel, 'hidden', !dv);
    if (dv || this.marked) this._mark(dv, state); // closed and nothing marked: nothing to undo
    if (!dv) {
      this.key = null;
      if (this.reuse) setProp(this.reuse, 'hidden', true);
      return;
    }
    const W = `${dv.name}${sub(dv.a)},${sub(dv.b)}`;
    richText(this.title, `Why is this ∂L/∂${dv.name}_{${sub(dv.a)}${sub(dv.b)}}?`);
    setAttr(this.panel, 'data-weight', `${dv.name}.${dv.a}.${dv.b}`);
    if (!dv.check || !katex()) { // typeset once both the check and KaTeX are in
      setText(this.where, dv.error ? `The check of ${W} failed: ${dv.error}` : `Checking ${W} at the next step’s point…`);
      if (this.lines.firstChild) this.lines.replaceChildren();
      setAttr(this.panel, 'data-ready', 'false');
      setProp(this.prev, 'disabled', true);
      setProp(this.next, 'disabled', true);
      this.key = null;
      return;
    }
    const c = dv.check;
    const key = c; // a new check, a new point: typeset again
    if (key !== this.key) {
      this.key = key;
      this.typeset = new Map();
      this.lines.replaceChildren();
      this.fitted = null;
    }
    const slides = state.session.config.update_order === 'slides';
    setText(this.where,
      `At the current weights (step ${dv.point.step}) for sample #${c.index + 1}, the one the next step uses: ` +
      'the last line is the gradient that step’s trace will carry' +
      (slides ? ' (in the slides’ update order the step’s δ^A uses B after its update, so its ∇A can differ)' : '') +
      ', and the finite difference checks exactly that number.');
    setAttr(this.panel, 'data-ready', 'true');
    setAttr(this.panel, 'data-step', String(dv.point.step));
    setAttr(this.panel, 'data-line', String(dv.line));
    dv.lines.forEach((line, n) => {
      if (n <= dv.line && !this.typeset.has(n)) this.typeset.set(n, this._line(line, n));
      const el = this.typeset.get(n);
      if (el) {
        setProp(el, 'hidden', n > dv.line);
        mark(el, 'current', n === dv.line);
      }
    });
    setProp(this.prev, 'disabled', dv.line === 0);
    setProp(this.next, 'disabled', dv.line === dv.lines.length - 1);
    this._fit(`${dv.line}`);
    const reuse = reuseNote(c, state.session.config);
    if (this.reuse) {
      setProp(this.reuse, 'hidden', !reuse);
      if (reuse) richText(this.reuse, `In the derivation of ∂L/∂A_{${sub(c.row)}${sub(c.column)}} on show: ${reuse}`);
    }
  }

  /** On one screen, every line on show without scrolling, once per change of the lines (lib/fit.js). */
  _fit(shown) {
    if (shown === this.fitted) return;
    this.fitted = shown;
    // The lines before the current one fold first, the earliest first: the newest is the one walked from.
    const before = [...this.lines.querySelectorAll('.derive-line:not(.current):not([hidden]) > .derive-body')].reverse();
    if (this.oneScreen.matches) setAttr(this.lines, 'data-fits', String(fitLines(this.lines, { rows: before, least: 0 }).fits));
    else {
      setScale(this.lines, 1);
      for (const body of before) body.hidden = false;
    }
  }

  _line(line, n) {
    const div = document.createElement('div');
    div.className = line.check ? 'derive-line derive-check' : 'derive-line';
    div.dataset.index = String(n);
    if (line.result !== undefined) div.dataset.result = String(line.result);
    if (line.check) {
      div.dataset.numeric = String(this._check().numeric);
      div.dataset.relError = String(this._check().rel_error);
    }
    note(div, `${n + 1}. ${line.says}`, 'derive-says');
    // The equations of a line, folded under its heading when an earlier line leaves no room (_fit).
    const body = document.createElement('div');
    body.className = 'derive-body';
    div.appendChild(body);
    for (const [src, cls] of [[line.tex, 'derive-eq'], ...[].concat(line.numbers).map((n) => [n, 'derive-num'])]) {
      const eq = document.createElement('div');
      eq.className = cls;
      katex().render(src, eq, KATEX_OPTIONS);
      body.appendChild(eq);
    }
    if (line.result !== undefined) note(div, `= ${fmt(line.result)}, the gradient backprop computes.`, 'derive-result');
    if (line.check) {
      const c = this._check();
      const ok = c.rel_error < 1e-6;
      note(div, `Relative error ${c.rel_error.toExponential(2)}: ${ok ? 'the chain rule and the finite difference agree.' : 'larger than expected (a ReLU kink near ψ = 0 can do this).'}`, 'derive-result');
    }
    if (line.note) note(body, line.note, 'eq-note');
    if (line.erratum) note(div, line.erratum, 'eq-note erratum'); // where the slides err, said even when folded
    if (line.reused) note(body, 'Backprop reuses this factor: see “What backprop saves”.', 'eq-note derive-reused');
    this.lines.appendChild(div);
    return div;
  }

  _check() {
    return this.checkShown;
  }

  /** The path from the weight to L on the diagram, and the factor of the line on show. */
  _mark(dv, state) {
    for (const el of document.querySelectorAll(`#network .${PATH}, #network .${FACTOR}`)) el.classList.remove(PATH, FACTOR);
    this.checkShown = dv && dv.check;
    this.marked = Boolean(dv && state.session);
    if (!this.marked) return;
    const cfg = state.session.config;
    const shape = { n_s: cfg.n_s, n_x: cfg.hidden, n_y: cfg.n_y, bias: Boolean(cfg.bias) };
    for (const id of pathOf(dv.name, dv.a, dv.b, shape)) diagramElement(id)?.classList.add(PATH);
    const line = dv.lines && dv.lines[dv.line];
    if (line) for (const id of line.factor) diagramElement(id)?.classList.add(FACTOR);
  }
}
