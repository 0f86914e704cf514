/**
 * @fileoverview How numbers are shown: one precision everywhere, so what the
 * diagram, the equations and the tests read is the same text; counts with
 * their thousands marked.
 */

/** Digits after the point in fixed notation. */
export const DECIMALS = 4;

/**
 * A number as the page shows it: whole numbers as they are, others with 4
 * decimals, or with 3 significant digits in scientific notation when very
 * small or very large.  Never "NaN".
 * @param {number} v
 * @returns {string}
 */
export function fmt(v) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < 1e5) return String(v);
  if (a >= 1e5 || a < 5e-4) return v.toExponential(2).replace('e+', 'e');
  const s = v.toFixed(DECIMALS);
  return s === '-0.0000' ? '0.0000' : s;
}

/** A count of things, with thousands separated as in English: 10,000. */
export function count(n) {
  return n.toLocaleString('en-US');
}

/** The subscript used on the page: 1-based, as on a blackboard. */
export function sub(i) {
  return String(i + 1);
}

/** A double subscript ij: "12" while both are one digit, "10,1" beyond, so it reads one way. */
export function ij(i, j) {
  return i < 9 && j < 9 ? `${sub(i)}${sub(j)}` : `${sub(i)},${sub(j)}`;
}
