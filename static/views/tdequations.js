/**
 * @fileoverview What the equations panel adds in TD mode and with Adam: the
 * target y = R + γ v̂(S′) (or the return G_t) with its numbers at the loss
 * phase; sums over one-hot features written with their non-zero terms only;
 * control mode's target (controlequations.js), the tile coder's sums (tileequations.js); and Adam's update in place of SGD's.  Each function takes the lines the
 * panel would show and returns the lines to show instead.
 */

import { fmt, ij, sub } from '../lib/format.js';
import { chain, tex } from '../lib/tex.js';
import { ADAM_BETA_1, ADAM_BETA_2 } from '../state/adam.js';
import { isControl, isTiles } from '../state/control.js';
import { isTD } from '../state/td.js';
import { controlLines } from './controlequations.js';
import { tileLines } from './tileequations.js';

const SPARSE = 8; // more inputs than this: sums over i list only the s_i that are not 0

/** The lines to show for a phase, given those the panel made for it. */
export function adjustLines(phaseId, t, c, lines) {
  let out = lines;
  if (isTD(c)) {
    if (phaseId === 'loss') out = [...targetLines(t, c), ...out];
    const nonzero = t.s.map((v, i) => (v !== 0 ? i : -1)).filter((i) => i >= 0);
    if (t.s.length > SPARSE && phaseId === 'psi') out = sparsePsi(t, nonzero);
    if (t.s.length > SPARSE && phaseId === 'grad_A') out = sparseGradA(t, nonzero);
    if (t.s.length > SPARSE && phaseId === 'update_A' && !t.adam) out = sparseUpdateA(t, c, nonzero);
  }
  if (isControl(c)) out = controlLines(phaseId, t, c, out);
  if (isTiles(c)) out = tileLines(phaseId, t, c, out);
  if (t.adam && (phaseId === 'update_A' || phaseId === 'update_B')) out = adamLines(phaseId === 'update_A' ? 'A' : 'B', t, c);
  return out;
}

function targetLines(t, c) {
  const env = c.environment;
  const tr = t.transition;
  if (env.target === 'mc') {
    const ep = t.episode;
    const k = ep.length - 1 - ep.t;
    return [
      { tex: 'y = G_t = R_{t+1} + \\gamma R_{t+2} + \\dots + \\gamma^{T-t-1} R_T' },
      chain('y', `\\gamma^{${k}} R_T`, `${tex(env.gamma)}^{${k}} \\times ${tex(ep.final_reward, true)}`, tex(t.y[0])),
      {
        text: `Monte Carlo target: the episode ended after T = ${ep.length} moves with R_{T} = ${fmt(ep.final_reward)} ` +
          `and every earlier reward 0; this step learns from its state at t = ${ep.t}.`,
      },
    ];
  }
  if (tr.terminal) {
    return [
      { tex: "y = R + \\gamma\\, \\hat{v}(S')" },
      { tex: `y = R = ${tex(tr.reward)} \\qquad (S' \\text{ is terminal, so } \\hat{v}(S') = 0)` },
    ];
  }
  return [
    { tex: "y = R + \\gamma\\, \\hat{v}(S')" },
    chain('y', `${tex(tr.reward)} + ${tex(env.gamma)} \\times ${tex(t.v_next, true)}`, tex(t.y[0])),
    {
      text: 'Semi-gradient TD: v̂(S′) is computed with the weights before this step’s update and then held ' +
        'fixed, so no gradient flows through the target. ŷ is v̂(S).',
    },
  ];
}

function sparsePsi(t, nonzero) {
  const n = t.s.length;
  const lines = [
    { tex: '\\psi_j = \\sum_i s_i A_{ij} \\qquad \\psi \\doteq \\mathbf{s}\\mathbf{A}' },
    {
      text: `Of the ${n} entries of s only ${nonzero.map((i) => `s_{${sub(i)}}`).join(' and ')} are not 0, ` +
        'so each ψ_{j} adds up just those rows of A:',
    },
  ];
  const shown = Math.min(t.psi.length, 4);
  for (let j = 0; j < shown; j++) {
    const terms = nonzero.map((i) => `${tex(t.s[i])} \\times ${tex(t.A_before[i][j], true)}`).join(' + ');
    lines.push(chain(`\\psi_{${sub(j)}}`, terms, tex(t.psi[j])));
  }
  return lines;
}

function sparseGradA(t, nonzero) {
  return [
    { tex: '\\nabla_A^{ij} = \\delta^A_j\\, s_i' },
    ...nonzero.slice(0, 4).map((i) =>
      chain(`\\nabla_A^{${ij(i, 0)}}`, `${tex(t.delta_A[0])} \\times ${tex(t.s[i], true)}`, tex(t.grad_A[i][0]))),
    { text: 'Every other row of ∇_{A} is 0 (its s_{i} is 0): this step changes only these rows of A.' },
  ];
}

function sparseUpdateA(t, c, nonzero) {
  return [
    { tex: '\\mathbf{A} \\leftarrow \\mathbf{A} - \\alpha_A \\nabla_A' },
    ...nonzero.slice(0, 4).map((i) =>
      chain(`A_{${ij(i, 0)}}`, `${tex(t.A_before[i][0])} - ${tex(c.alpha_A)} \\times ${tex(t.grad_A[i][0], true)}`, tex(t.A[i][0]))),
    { text: 'The rows of the inputs that are 0 keep their weights.' },
  ];
}

/** The entry of W to work out: the largest gradient, so that the numbers show something happening. */
function largest(G) {
  let best = [0, 0];
  G.forEach((row, i) => row.forEach((g, j) => {
    if (Math.abs(g) > Math.abs(G[best[0]][best[1]])) best = [i, j];
  }));
  return best;
}

/** A small positive number such as v̂ with three significant digits: 4 decimals would make 0.000597 read 0.0006. */
function sig(v) {
  const m = /^(-?[\d.]+)e([-+]\d+)$/.exec(v.toPrecision(3));
  return m ? `${m[1]}\\times 10^{${Number(m[2])}}` : v.toPrecision(3);
}

function adamLines(name, t, c) {
  const a = t.adam;
  const alpha = name === 'A' ? c.alpha_A : c.alpha_B;
  const [i, j] = largest(t[`grad_${name}`]);
  const m = a[`m_${name}`][i][j];
  const v = a[`v_${name}`][i][j];
  const mh = m / (1 - ADAM_BETA_1 ** a.t);
  const vh = v / (1 - ADAM_BETA_2 ** a.t);
  const idx = ij(i, j);
  const bold = (x) => `\\mathbf{${x}}_${name}`;
  return [
    // m and v side by side: a projector's panel has the width, not the height, for both
    {
      tex: `${bold('m')} \\leftarrow \\beta_1 ${bold('m')} + (1-\\beta_1)\\,\\nabla_${name} \\qquad ` +
        `${bold('v')} \\leftarrow \\beta_2 ${bold('v')} + (1-\\beta_2)\\,\\nabla_${name}^{\\,2}`,
    },
    { tex: `\\hat{\\mathbf{m}}_${name} = \\frac{${bold('m')}}{1-\\beta_1^{\\,t}} \\qquad \\hat{\\mathbf{v}}_${name} = \\frac{${bold('v')}}{1-\\beta_2^{\\,t}}` },
    { tex: `\\mathbf{${name}} \\leftarrow \\mathbf{${name}} - \\alpha_${name}\\, \\frac{\\hat{\\mathbf{m}}_${name}}{\\sqrt{\\hat{\\mathbf{v}}_${name}} + \\epsilon}` },
    {
      text: `Adam in place of the slides’ SGD update, at its update t = ${a.t}: β_{1} = ${ADAM_BETA_1}, β_{2} = ${ADAM_BETA_2}, ` +
        `ε = ${fmt(c.epsilon)}. m and v are running means of the gradient and of its square, so each weight moves ` +
        `by about α_{${name}}, whatever the size of its gradient. Worked out for ${name}_{${idx}}, the largest gradient:`,
    },
    chain(`\\hat{m}_{${idx}}`, `\\frac{${tex(m)}}{1 - ${ADAM_BETA_1}^{${a.t}}}`, tex(mh)),
    chain(`\\hat{v}_{${idx}}`, `\\frac{${sig(v)}}{1 - ${ADAM_BETA_2}^{${a.t}}}`, sig(vh)),
    chain(
      `${name}_{${idx}}`,
      `${tex(t[`${name}_before`][i][j])} - ${tex(alpha)} \\times \\frac{${tex(mh)}}{\\sqrt{${sig(vh)}} + ${tex(c.epsilon)}}`,
      tex(t[name][i][j]),
    ),
  ];
}
