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
 * "lhs = a = b = c" on one line, with narrower forms: "= a" then "= b = c" on
 * two lines, and one "= …" a line; the equations panel shows the widest that fits.
 */
export function chain(lhs, ...parts) {
  return {
    tex: `${lhs} = ${parts.join(' = ')}`,
    // the first "= …" on a line of its own, the rest on the next
    medium: parts.length > 2 ? `\\begin{aligned}${lhs} &= ${parts[0]} \\\\ &= ${parts.slice(1).join(' = ')}\\end{aligned}` : null,
    wrapped: `\\begin{aligned}${lhs} &= ${parts.map(breakSum).join(' \\\\ &= ')}\\end{aligned}`,
  };
}

const TERMS_A_LINE = 3; // a wrapped sum's terms on each of its lines

/** A long sum of a wrapped chain on lines of a few terms each, each line after the first led by its +. */
function breakSum(part) {
  const terms = part.split(' + ');
  if (terms.length <= TERMS_A_LINE + 1) return part;
  const lines = [];
  for (let i = 0; i < terms.length; i += TERMS_A_LINE) lines.push(terms.slice(i, i + TERMS_A_LINE).join(' + '));
  return lines.join(' \\\\ &\\quad + ');
}

const MAX_TERMS = 12; // a longer sum (a layer of many units) is written with its first and last terms

/** A sum of terms; a long one as its first few, ⋯ and its last two: every term is on the diagram. */
export function sumOf(terms) {
  if (terms.length <= MAX_TERMS) return terms.join(' + ');
  return [...terms.slice(0, TERMS_A_LINE), '\\cdots', ...terms.slice(-2)].join(' + ');
}

export function matrixTex(M) {
  const body = M.map((row) => row.map((v) => tex(v)).join(' & ')).join(' \\\\ ');
  return `\\begin{bmatrix}${body}\\end{bmatrix}`;
}
