/**
 * @fileoverview What each node of the diagram holds, by the slides' names, and how its
 * symbols are written: drawn (a symbol, a superscript, an index) and read out.
 */

import { svgEl as el } from '../lib/dom.js';
import { sub } from '../lib/format.js';

/** Each quantity's symbol and superscript, as the diagram draws them. */
export const SYMBOL = {
  s: ['s', ''], psi: ['ψ', ''], x: ['x', ''], delta_A: ['δ', 'A'], theta: ['θ', ''],
  y_hat: ['ŷ', ''], y: ['y', ''], delta_B: ['δ', 'B'],
};

/** The quantities a node of each column shows, top to bottom. */
export const NODE_NAMES = { input: ['s'], hidden: ['psi', 'x', 'delta_A'], output: ['theta', 'y_hat', 'y', 'delta_B'] };

// A node's accessible name writes its indices as Unicode sub- and superscripts, "s₁ = 0.0500",
// so that a screen reader does not run the symbol, the index and the value together ("s10.0500").
const SUB_DIGITS = '₀₁₂₃₄₅₆₇₈₉';
const SUPER = { A: 'ᴬ', B: 'ᴮ' };

/** "δᴬ₁": a quantity's symbol as a screen reader reads it, for a 0-based index. */
export function spokenSymbol(name, index) {
  const [symbol, sup] = SYMBOL[name];
  return `${symbol}${sup ? SUPER[sup] : ''}${sub(index).replace(/\d/g, (d) => SUB_DIGITS[d])}`;
}

/**
 * "δ^A_1 0.0123" as SVG text: symbol, raised letter, lowered index, value.
 * Built once; the value is the part a step changes.
 */
export function buildLabel(text, symbol, sup, index) {
  text.appendChild(document.createTextNode(symbol));
  if (sup) el('tspan', { 'baseline-shift': 'super', 'font-size': '70%' }, text).textContent = sup;
  el('tspan', { 'baseline-shift': 'sub', 'font-size': '70%' }, text).textContent = index;
  return el('tspan', { dx: 6, class: 'num' }, text);
}
