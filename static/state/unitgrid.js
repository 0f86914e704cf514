/**
 * @fileoverview The inputs at which every unit's picture is computed: a small
 * grid over the input plane of 2-D data, a short line over 1-D data, covering
 * D as the fit view does; and the colour of a value on a picture.
 */

import { span } from './fitgrid.js';
import { CONSTANTS } from './vocabulary.js';

const SIDE = 24; // points per axis of a 2-D picture
const LINE = 48; // points of a 1-D picture
const { MAX_UNIT_VALUES } = CONSTANTS; // rows × hidden units one predict with units may return (the server's bound)

function linspace([lo, hi], n) {
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

/** The grid for `hidden` units over D, or null when D is not 1-D or 2-D. */
export function unitGrid(data, hidden) {
  if (!data || !data.s.length) return null;
  const n_s = data.s[0].length;
  if (n_s === 1) {
    const n = Math.max(2, Math.min(LINE, Math.floor(MAX_UNIT_VALUES / hidden)));
    const xs = linspace(span(data.s.map((r) => r[0])), n);
    return { dims: 1, xs, s: xs.map((v) => [v]) };
  }
  if (n_s === 2) {
    const n = Math.max(2, Math.min(SIDE, Math.floor(Math.sqrt(MAX_UNIT_VALUES / hidden))));
    const xs = linspace(span(data.s.map((r) => r[0])), n);
    const ys = linspace(span(data.s.map((r) => r[1])), n);
    const s = [];
    for (const b of ys) for (const a of xs) s.push([a, b]);
    return { dims: 2, xs, ys, s };
  }
  return null;
}

/** Blue for a unit's lowest value, white halfway, vermillion for its highest: [r, g, b]. */
export function rgb(t) {
  const c = Math.max(0, Math.min(1, t));
  const lo = [0, 114, 178];
  const hi = [213, 94, 0];
  const mix = (a, b, u) => Math.round(a + (b - a) * u);
  if (c < 0.5) return lo.map((v) => mix(v, 255, c * 2));
  return hi.map((v) => mix(255, v, (c - 0.5) * 2));
}

// The scale in 256 steps, [r, g, b] each, worked out once: a picture's pixels look their colour up.
export const PALETTE_STEPS = 255;
export const PALETTE = new Uint8ClampedArray(3 * (PALETTE_STEPS + 1));
for (let i = 0; i <= PALETTE_STEPS; i++) PALETTE.set(rgb(i / PALETTE_STEPS), 3 * i);

/** The lowest and highest of `values`. */
export function range(values) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}
