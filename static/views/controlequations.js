/**
 * @fileoverview What the equations panel adds in control mode: at the loss phase the target y
 * of the action taken, with the agent's formula and its numbers, and y = ŷ for the two outputs
 * not taken; at δᴮ, that theirs is exactly 0; at ∇_B and the update of B, the column of the
 * action taken (the others' gradients are 0).  Each function takes the lines the panel would
 * show and returns the lines to show instead.
 */

import { ij, sub } from '../lib/format.js';
import { chain, tex } from '../lib/tex.js';
import { ACTION_NAMES, AGENT_TARGETS, targetParts } from '../state/control.js';

const MAX_ROWS = 4; // worked rows, as the panel's own phases show

/** The lines to show for a phase in control mode, given those the panel made for it. */
export function controlLines(phaseId, t, c, lines) {
  const tr = t.transition;
  if (!tr) return lines;
  const a = tr.action;
  if (phaseId === 'loss') return [...targetLines(t, c), ...lines];
  if (phaseId === 'delta_B') {
    return [...lines, {
      text: `Only output ${sub(a)} (the action taken, ${ACTION_NAMES[a]}) has an error: the other two have ` +
        'y = ŷ, so their δ^{B} is exactly 0, and so is this step’s gradient for their columns of B.',
    }];
  }
  if (phaseId === 'grad_B') return columnLines(t, a, (j) =>
    `\\nabla_B^{${ij(j, a)}} = ${tex(t.delta_B[a])} \\times ${tex(t.x[j], true)} = ${tex(t.grad_B[j][a])}`,
  '\\nabla_B^{jk} = \\delta^B_k\\, x_j', 'The other two columns of ∇_{B} are 0: their δ^{B} is 0.');
  if (phaseId === 'update_B' && !t.adam) return columnLines(t, a, (j) =>
    `B_{${ij(j, a)}} = ${tex(t.B_before[j][a])} - ${tex(c.alpha_B)} \\times ${tex(t.grad_B[j][a], true)} = ${tex(t.B[j][a])}`,
  '\\mathbf{B} \\leftarrow \\mathbf{B} - \\alpha_B \\nabla_B', 'The columns of the actions not taken keep their weights.');
  return lines;
}

function columnLines(t, a, row, head, note) {
  const n = t.x.length;
  const rows = Array.from({ length: Math.min(n, MAX_ROWS) }, (_, j) => ({ tex: row(j), row: true }));
  return [{ tex: head }, ...rows, { more: n }, { text: `Column ${sub(a)}, the action taken (${ACTION_NAMES[a]}). ${note}` }];
}

function targetLines(t, c) {
  const env = c.environment;
  const tr = t.transition;
  const k = sub(tr.action);
  const [agent, formula] = AGENT_TARGETS[env.agent];
  const parts = targetParts(t, env);
  const name = `y_{${k}}`;
  const lines = [{ tex: `${name} = ${formula} \\qquad (\\text{${agent}}, A = ${ACTION_NAMES[tr.action] === '0' ? '0' : `\\text{${ACTION_NAMES[tr.action]}}`})` }];
  if (parts.bootstrap === null) {
    lines.push({ tex: `${name} = R = ${tex(tr.reward)} \\qquad (S' \\text{ is the goal: no } \\hat{q}(S', \\cdot))` });
  } else {
    const q = t.q_next;
    const worked = {
      sarsa: () => `${tex(tr.reward)} + ${tex(env.gamma)} \\times ${tex(q[tr.next_action], true)}`,
      q_learning: () => `${tex(tr.reward)} + ${tex(env.gamma)} \\times \\max(${q.map((v) => tex(v)).join(', ')})`,
      expected_sarsa: () => `${tex(tr.reward)} + ${tex(env.gamma)} \\times (${q.map((v, b) => `${tex(parts.pi[b])} \\times ${tex(v, true)}`).join(' + ')})`,
    }[env.agent]();
    lines.push(chain(name, worked, tex(parts.value)));
  }
  const others = [0, 1, 2].filter((b) => b !== tr.action).map((b) => `y_{${sub(b)}} = \\hat{y}_{${sub(b)}}`).join(', \\quad ');
  lines.push({ tex: others });
  lines.push({ text: 'y = ŷ for the other two outputs: not taken, so δ^{B} = 0. q̂(S′, ·) is from the weights before this step, held fixed.' });
  return lines;
}
