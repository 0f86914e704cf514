/**
 * @fileoverview Pieces of KaTeX source that carry the page's numbers: a number
 * as TeX, a chain of equalities that can wrap, a sum, a matrix.
 */

import { fmt } from './format.js';

/** A number inside a KaTeX expression: exponents as ×10^n, negatives in parentheses. */
export function tex(v, paren = false) {
  const s = fmt(v);
  let out = s;
  const m = /^(-?[\d.]+)e(-?\d+)$/.exec(s);
  if (m) out = `${m[1]}\\times 10^{${m[2]}}`;
  if (paren && v < 0) return `(${out})`;
  return out;
}

/**
 * "lhs = a = b = c" on one line, with a second form that puts one "= …" per
 * line; the equations panel uses the second when the first would run off it.
 */
export function chain(lhs, ...parts) {
  return {
    tex: `${lhs} = ${parts.join(' = ')}`,
    wrapped: `\\begin{aligned}${lhs} &= ${parts.join(' \\\\ &= ')}\\end{aligned}`,
  };
}

export function sumOf(terms) {
  return terms.join(' + ');
}

export function matrixTex(M) {
  const body = M.map((row) => row.map((v) => tex(v)).join(' & ')).join(' \\\\ ');
  return `\\begin{bmatrix}${body}\\end{bmatrix}`;
}
