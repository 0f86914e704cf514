/**
 * @fileoverview The inputs at which the fit view asks the server for ŷ: a
 * line of points over a 1-D input, a grid over a 2-D one, covering D.
 */

const GRID = 41; // points per axis of the 2-D heat map; curve points in 1-D

/** The range of `values` padded by 10% each side, so no point sits on the edge. */
export function span(values) {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = (hi - lo || 1) * 0.1;
  return [lo - pad, hi + pad];
}

function linspace([lo, hi], n) {
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

/** The inputs at which to ask for ŷ, or null when the data is not 1-D or 2-D. */
export function fitGrid(data) {
  if (!data) return null;
  const n_s = data.s[0].length;
  if (n_s === 1) {
    const xs = linspace(span(data.s.map((r) => r[0])), 2 * GRID);
    return { dims: 1, xs, s: xs.map((v) => [v]) };
  }
  if (n_s === 2) {
    const xs = linspace(span(data.s.map((r) => r[0])), GRID);
    const ys = linspace(span(data.s.map((r) => r[1])), GRID);
    const s = [];
    for (const b of ys) for (const a of xs) s.push([a, b]);
    return { dims: 2, xs, ys, s };
  }
  return null;
}
