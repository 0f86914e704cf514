/**
 * @fileoverview What the equations panel says with the course's tile coder in A's place: x is
 * the tiles of (p, v), 1 at each tiling's active tile; θ = xB is the sum of B's rows at those
 * tiles; ∇_B and B's update touch those rows alone, in the column of the action taken; and A
 * is not learned, so its phases (which the step skips) say so if one is ever shown.  Rows are
 * named by the tile's index in the table, as the diagram labels them.
 */

import { count, sub } from '../lib/format.js';
import { chain, sumOf, tex } from '../lib/tex.js';
import { ACTION_NAMES } from '../state/control.js';

/** The sentence the diagram and the x phase both say. */
export function frozenNote(env) {
  return `A is frozen: x is the tile coder’s (${env.tilings} tilings of ${env.tiles} × ${env.tiles} tiles); ` +
    'only B’s rows at these tiles change.';
}

const NOT_LEARNED = {
  text: 'A is not learned: the tile coder stands in for the first layer (A has no weights), so there is ' +
    'no ψ = sA, no δ^{A}, no ∇_{A} and no update of A. The step ends with B’s update.',
};

const TILE_PHASES = {
  psi: () => [NOT_LEARNED],
  delta_A: () => [NOT_LEARNED],
  grad_A: () => [NOT_LEARNED],
  update_A: () => [NOT_LEARNED],
  x: (t, c) => {
    const env = c.environment;
    return [
      { tex: `x = \\text{tiles}(p, v): \\quad x_j = 1 \\text{ at the ${env.tilings} active tiles, } 0 \\text{ at the other ${count(env.iht_size - t.tiles.length)}}` },
      { tex: `\\text{active tiles } j = ${t.tiles.join(',\\ ')}` },
      { text: `${frozenNote(env)} One active tile in each tiling; the indices are the table’s (0 to ${count(env.iht_size - 1)}).` },
    ];
  },
  theta: (t) => [
    { tex: '\\theta_k = \\sum_j x_j B_{jk} = \\sum_{j\\ \\text{active}} B_{jk} \\qquad \\theta \\doteq \\mathbf{x}\\mathbf{B}' },
    ...t.theta.map((theta, k) => {
      const terms = t.tiles.map((_, r) => tex(t.B_before[r][k], true));
      return { ...chain(`\\theta_{${sub(k)}}`, sumOf(terms), tex(theta)), row: true };
    }),
    { text: `The ${t.tiles.length} rows of B at the active tiles (${t.tiles.join(', ')}), summed; every other x_{j} is 0.` },
  ],
  grad_B: (t) => {
    const a = t.transition.action;
    return [
      { tex: '\\nabla_B^{jk} = \\delta^B_k\\, x_j' },
      ...t.tiles.slice(0, 2).map((j, r) =>
        ({ tex: `\\nabla_B^{${j},${sub(a)}} = ${tex(t.delta_B[a])} \\times ${tex(t.x[r])} = ${tex(t.grad_B[r][a])}`, row: true })),
      { text: `The same at each of the ${t.tiles.length} active tiles (x_{j} = 1): ∇_{B} is δ^{B}_{${sub(a)}} in column ${sub(a)} ` +
        `(${ACTION_NAMES[a]}, the action taken) of their rows, and 0 everywhere else.` },
    ];
  },
  update_B: (t, c) => {
    const a = t.transition.action;
    return [
      { tex: '\\mathbf{B} \\leftarrow \\mathbf{B} - \\alpha_B \\nabla_B' },
      ...t.tiles.slice(0, 4).map((j, r) => ({
        tex: `B_{${j},${sub(a)}} = ${tex(t.B_before[r][a])} - ${tex(c.alpha_B)} \\times ${tex(t.grad_B[r][a], true)} = ${tex(t.B[r][a])}`,
        row: true,
      })),
      { more: t.tiles.length },
      { text: `Only column ${sub(a)} of the active tiles’ rows changes; α_{B} = 0.5 / ${c.environment.tilings} tilings.` },
    ];
  },
};

/** The lines to show for a phase with the tile coder, given those the panel (and control mode) made. */
export function tileLines(phaseId, t, c, lines) {
  if (!t.tiles || !(phaseId in TILE_PHASES)) return lines;
  if ((phaseId === 'grad_B' || phaseId === 'update_B') && (!t.transition || t.adam)) return lines;
  return TILE_PHASES[phaseId](t, c);
}
