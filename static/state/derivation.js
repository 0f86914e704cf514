/**
 * @fileoverview The slides' derivation of ∂L/∂B_jk and ∂L/∂A_ij for one
 * weight, line by line, with the numbers of the point the server checked: the
 * current weights and the sample the next step uses.  Pure: it builds the
 * lines (KaTeX source, notes, the diagram's elements each line adds) from the
 * server's weight check; the view only typesets and marks them.
 */

import { ij, sub } from '../lib/format.js';
import { tex } from '../lib/tex.js';
import {
  activationErrata, activationLabel, constantDerivative, derivativeAt, derivativeRule, lossRule,
} from './vocabulary.js';

export const SUM_ERRATUM =
  'Erratum: the slides derive this for one output k and write δ^{A}_{j} = (B_{jk} δ^{B}_{k}) f_{A}′(ψ_{j}). ' +
  'With several outputs L = Σ_{k} L(ŷ_{k}, y_{k}) and A_{ij} reaches L through every output, so ' +
  'δ^{A}_{j} = (Σ_{k} B_{jk} δ^{B}_{k}) f_{A}′(ψ_{j}): the sum over every path is what the code computes.';

/** The derivation of weight `name`[a][b] (0-based) opened at `line`, its numbers still to come (control/derive.js). */
export function newDerivation(name, a, b, line = 0) {
  return { name, a, b, line, check: null, lines: null, point: null, asked: null, error: null };
}

/** "B.1.0": the weight as the server's check names it (0-based matrix.row.column). */
export function weightName(name, a, b) {
  return `${name}.${a}.${b}`;
}

const d = (top, bottom) => `\\frac{\\partial ${top}}{\\partial ${bottom}}`;
const vec = (values) => `(${values.map((v) => tex(v)).join(',\\ ')})`;

function dLdyTex(loss, k, c) {
  const K = sub(k);
  return `${d('L', `\\hat{y}_{${K}}`)} = ${lossRule(loss, `\\hat{y}_{${K}}`, `y_{${K}}`)} = ` +
    `${lossRule(loss, c.trace.y_hat[k], c.y[k])} = ${tex(c.trace.dL_dy_hat[k])}`;
}

/** f′ at the point: its rule, the rule with the numbers, the value; a constant f′ by its value alone. */
function dfTex(name, f, z, fValue, zValue, value) {
  if (constantDerivative(name)) return tex(value);
  return `${derivativeRule(name, f, z)} = ${derivativeAt(name, zValue, fValue)} = ${tex(value)}`;
}

function dfBTex(fB, k, c) {
  const K = sub(k);
  const z = `\\theta_{${K}}`;
  const t = c.trace;
  return `${d(`f_{\\mathbf{B}}(${z})`, z)} = ${dfTex(fB, `\\hat{y}_{${K}}`, z, t.y_hat[k], t.theta[k], t.df_B[k])}`;
}

/** The slides' errata about the activation, as one note, or null. */
function errataNote(name) {
  const texts = activationErrata(name).map((erratum) => erratum.text);
  return texts.length ? texts.join(' ') : null;
}

/** The lines for B_jk: ∂L/∂ŷ_k · ∂ŷ_k/∂B_jk, then f_B′(θ_k), then x_j, then δᴮ_k x_j. */
function linesB(c, cfg, shape) {
  const [j, k] = [c.row, c.column];
  const [J, K, JK] = [sub(j), sub(k), ij(j, k)];
  const w = `\\mathbf{B}_{${JK}}`;
  const lhs = `${d('L', w)}`;
  const dL = d('L', `\\hat{y}_{${K}}`);
  const dfB = d(`f_{\\mathbf{B}}(\\theta_{${K}})`, `\\theta_{${K}}`);
  const x = c.trace.x[j];
  const bias = shape.bias && j === shape.n_x;
  const delta = c.trace.delta_B[k];
  const lines = [
    {
      tex: `${lhs} = ${dL}\\,${d(`\\hat{y}_{${K}}`, w)}`,
      numbers: dLdyTex(cfg.loss, k, c),
      factor: [`node-out-${k}`, 'val-loss'],
      says: `the loss’s own derivative at output ${K}`,
      note: shape.n_y > 1 ? `Of L = Σ_{k} L(ŷ_{k}, y_{k}) only the term of output ${K} depends on B_{${JK}}.` : null,
    },
    {
      tex: `= ${dL}\\,${dfB}\\,${d(`\\theta_{${K}}`, w)} \\qquad \\hat{y} \\doteq f_{\\mathbf{B}}(\\theta)`,
      numbers: dfBTex(cfg.f_B, k, c),
      factor: [`node-out-${k}`],
      says: `f_{B}′ at θ_{${K}} (f_{B} = ${activationLabel(cfg.f_B)})`,
    },
    {
      tex: `= ${dL}\\,${dfB}\\,\\mathbf{x}_{${J}} \\qquad \\theta \\doteq \\mathbf{x}\\mathbf{B}`,
      numbers: `${d(`\\theta_{${K}}`, w)} = \\mathbf{x}_{${J}} = ${tex(x)}${bias ? '\\quad\\text{(the bias unit)}' : ''}`,
      factor: [`node-hid-${j}`, `edge-B-${j}-${k}`],
      says: `x_{${J}}, what the edge carries into θ_{${K}}`,
    },
    {
      tex: `= \\delta^{\\mathbf{B}}_{${K}}\\,\\mathbf{x}_{${J}} \\qquad \\delta^{\\mathbf{B}}_{${K}} = ${dL}\\,${dfB}`,
      numbers: [
        `\\delta^{\\mathbf{B}}_{${K}} = ${tex(c.trace.dL_dy_hat[k])} \\times ${tex(c.trace.df_B[k], true)} = ${tex(delta)}`,
        `${lhs} = ${tex(delta)} \\times ${tex(x, true)} = ${tex(c.backprop)}`,
      ],
      factor: [`node-out-${k}`, `edge-B-${j}-${k}`],
      says: `δ^{B}_{${K}} x_{${J}}, the gradient`,
      result: c.backprop,
    },
  ];
  return lines;
}

/** The lines for A_ij: through θ_k, x_j and ψ_j to δᴬ_j s_i, summed over every output. */
function linesA(c, cfg, shape, B) {
  const [i, j] = [c.row, c.column];
  const [I, J, IJ] = [sub(i), sub(j), ij(i, j)];
  const w = `\\mathbf{A}_{${IJ}}`;
  const lhs = d('L', w);
  const ks = [...Array(shape.n_y).keys()];
  const many = shape.n_y > 1;
  // One output: the slides' own lines with k = 1; several: the sum over every output.
  const sum = many ? '\\sum_k ' : '';
  const k = many ? 'k' : '1';
  const dB = `\\delta^{\\mathbf{B}}_{${k}}`;
  const Bjk = `\\mathbf{B}_{${J}${many ? 'k' : '1'}}`;
  const dfA = d(`f_{\\mathbf{A}}(\\psi_{${J}})`, `\\psi_{${J}}`);
  const t = c.trace;
  const Bj = ks.map((kk) => B[j][kk]);
  const through = ks.reduce((acc, kk) => acc + Bj[kk] * t.delta_B[kk], 0);
  const s = c.s[i];
  const outs = ks.map((kk) => `node-out-${kk}`);
  const bEdges = ks.map((kk) => `edge-B-${j}-${kk}`);
  const lines = [
    {
      tex: `${lhs} = ${sum}${dB}\\,${d(`\\theta_{${k}}`, w)}`,
      numbers: `\\delta^{\\mathbf{B}} = ${vec(t.delta_B)}`,
      factor: [...outs, 'val-loss'],
      says: 'δ^{B}, from the output layer: already computed for ∇_{B}',
      reused: true,
      note: many
        ? `L = Σ_{k} L(ŷ_{k}, y_{k}) and A_{${IJ}} changes every θ_{k} through x_{${J}}: the chain rule sums over the ${shape.n_y} outputs.`
        : null,
    },
    {
      tex: `= ${sum}${dB}\\,${Bjk}\\,${d(`\\mathbf{x}_{${J}}`, w)} \\qquad \\theta \\doteq \\mathbf{x}\\mathbf{B}`,
      numbers: `${d(`\\theta_{${k}}`, w)} = ${Bjk}\\,${d(`\\mathbf{x}_{${J}}`, w)}, \\qquad ` +
        `${many ? `\\mathbf{B}_{${J}\\cdot} = ${vec(Bj)}` : `${Bjk} = ${tex(Bj[0])}`}`,
      factor: bEdges,
      says: `B_{${J}k}: how x_{${J}} reaches θ`,
    },
    {
      tex: `= ${sum}${dB}\\,${Bjk}\\,${dfA}\\,${d(`\\psi_{${J}}`, w)} \\qquad \\mathbf{x} \\doteq f_{\\mathbf{A}}(\\psi)`,
      numbers: `${dfA} = ${dfTex(cfg.f_A, `\\mathbf{x}_{${J}}`, `\\psi_{${J}}`, t.x[j], t.psi[j], t.df_A[j])}`,
      factor: [`node-hid-${j}`],
      says: `f_{A}′ at ψ_{${J}} (f_{A} = ${activationLabel(cfg.f_A)})`,
      erratum: errataNote(cfg.f_A),
    },
    {
      tex: `= ${sum}${dB}\\,${Bjk}\\,${dfA}\\,\\mathbf{s}_{${I}} \\qquad \\psi \\doteq \\mathbf{s}\\mathbf{A}`,
      numbers: `${d(`\\psi_{${J}}`, w)} = \\mathbf{s}_{${I}} = ${tex(s)}${shape.bias && i === shape.n_s ? '\\quad\\text{(the bias input)}' : ''}`,
      factor: [`node-in-${i}`, `edge-A-${i}-${j}`],
      says: `s_{${I}}, what the edge carries into ψ_{${J}}`,
    },
    {
      tex: `= \\delta^{\\mathbf{A}}_{${J}}\\,\\mathbf{s}_{${I}} \\qquad ` +
        `\\delta^{\\mathbf{A}}_{${J}} = \\Big(${sum}${Bjk}\\,${dB}\\Big)\\,${dfA}`,
      numbers: [
        `\\delta^{\\mathbf{A}}_{${J}} = (${ks.map((kk) => `${tex(Bj[kk])} \\times ${tex(t.delta_B[kk], true)}`).join(' + ')}) ` +
        `\\times ${tex(t.df_A[j], true)}`,
        `\\delta^{\\mathbf{A}}_{${J}} = ${tex(through)} \\times ${tex(t.df_A[j], true)} = ${tex(t.delta_A[j])}`,
        `${lhs} = ${tex(t.delta_A[j])} \\times ${tex(s, true)} = ${tex(c.backprop)}`,
      ],
      factor: [`node-hid-${j}`, `edge-A-${i}-${j}`],
      says: `δ^{A}_{${J}} s_{${I}}, the gradient`,
      erratum: many ? SUM_ERRATUM : null,
      note: many ? null : 'With one output the sum has one term: this is the slides’ δ^{A}_{j} = (B_{jk} δ^{B}_{k}) f_{A}′(ψ_{j}).',
      result: c.backprop,
    },
  ];
  return lines;
}

/** The path from the weight to L on the diagram: its edge, the units after it, every output it reaches. */
export function pathOf(name, a, b, shape) {
  const outs = [...Array(shape.n_y).keys()];
  if (name === 'B') return [`edge-B-${a}-${b}`, `node-hid-${a}`, `node-out-${b}`, 'val-loss'];
  return [`edge-A-${a}-${b}`, `node-in-${a}`, `node-hid-${b}`, ...outs.map((k) => `edge-B-${b}-${k}`),
    ...outs.map((k) => `node-out-${k}`), 'val-loss'];
}

/**
 * The derivation of the checked weight `c` (the server's gradcheck?weight
 * answer), for a session of config `cfg` whose current second-layer weights
 * are `B`: its lines in the slides' order, then the finite-difference check.
 */
export function derivationLines(c, cfg, B) {
  const shape = { n_s: cfg.n_s, n_x: cfg.hidden, n_y: cfg.n_y, bias: Boolean(cfg.bias) };
  const lines = c.matrix === 'B' ? linesB(c, cfg, shape) : linesA(c, cfg, shape, B);
  const w = `\\mathbf{${c.matrix}}_{${ij(c.row, c.column)}}`;
  lines.push({
    tex: `\\frac{L(${w} + h) - L(${w} - h)}{2h} = ${tex(c.numeric)}, \\qquad h = ${tex(c.h)}`,
    numbers: [
      `\\text{backprop} = ${tex(c.backprop)}, \\qquad \\text{finite difference} = ${tex(c.numeric)}`,
      `\\text{relative error} = \\frac{|\\text{backprop} - \\text{finite difference}|}` +
        `{\\max(|\\text{backprop}|, |\\text{finite difference}|)} = ${tex(c.rel_error)}`,
    ],
    factor: [],
    says: 'the server’s central finite difference for this one weight',
    check: true,
  });
  return lines;
}

/** What the derivation of an A weight takes from the output layer, for the reuse note. */
export function reuseNote(c, cfg) {
  if (c.matrix !== 'A') return null;
  const inputs = cfg.n_s + (cfg.bias ? 1 : 0);
  return `Reused, not recomputed: δ^{B} (${cfg.n_y} number${cfg.n_y > 1 ? 's' : ''}) was computed once in the output layer ` +
    `and serves every ∇_{B} entry and every δ^{A}_{j}; δ^{A}_{${sub(c.column)}} is computed once and serves all ` +
    `${inputs} weights A_{i${sub(c.column)}} of its column. Only the last factor, s_{i}, is new for each weight.`;
}
