/**
 * @fileoverview The slides' closing point as numbers: how many multiplications
 * backprop needs for the whole gradient, against computing each ∂L/∂A_ij by
 * its own chain-rule product without reusing δ.
 */

import { richText } from '../lib/dom.js';

/**
 * Multiplications for one sample's gradient, for n_s inputs, n_x hidden units
 * and n_y outputs (bias counted as an extra input and hidden unit when on).
 * Computing a derivative value (f′, ∂L/∂ŷ) counts as nothing in both columns.
 */
export function multiplications(n_s, n_x, n_y, bias) {
  const ni = n_s + (bias ? 1 : 0);
  const nj = n_x + (bias ? 1 : 0);
  const backprop = {
    delta_B: n_y, // dL/dy_hat_k * f_B'(theta_k)
    grad_B: nj * n_y, // δᴮ_k x_j
    delta_A: n_x * n_y + n_x, // Σ_k B_jk δᴮ_k, then · f_A′(ψ_j)
    grad_A: ni * n_x, // δᴬ_j s_i
  };
  // Without δ: ∂L/∂B_jk = ∂L/∂ŷ_k · f_B′(θ_k) · x_j (2 each), and
  // ∂L/∂A_ij = Σ_k ∂L/∂ŷ_k · f_B′(θ_k) · B_jk · f_A′(ψ_j) · s_i (4 per k, each i, j).
  const naive = { grad_B: 2 * nj * n_y, grad_A: 4 * ni * n_x * n_y };
  const total = (o) => Object.values(o).reduce((a, b) => a + b, 0);
  return { backprop, naive, backpropTotal: total(backprop), naiveTotal: total(naive) };
}

export class MeterView {
  /** @param {HTMLElement} container */
  init(container) {
    if (!container) throw new Error('MeterView needs a container');
    this.container = container;
    this.key = null;
    return this;
  }

  render(state) {
    const c = state.session && state.session.config;
    if (!c) return;
    const key = `${c.n_s}/${c.hidden}/${c.n_y}/${c.bias}`;
    if (key === this.key) return;
    this.key = key;
    const m = multiplications(c.n_s, c.hidden, c.n_y, c.bias);
    const ratio = m.naiveTotal / m.backpropTotal;
    this.container.dataset.backprop = String(m.backpropTotal);
    this.container.dataset.naive = String(m.naiveTotal);
    this.container.replaceChildren();
    const p = document.createElement('p');
    richText(
      p,
      `For ${c.n_s} inputs, ${c.hidden} hidden units and ${c.n_y} outputs${c.bias ? ' (with bias)' : ''}, ` +
      `one sample's whole gradient takes ${m.backpropTotal.toLocaleString('en')} multiplications with backprop ` +
      `(δ^{B} ${m.backprop.delta_B}, ∇_{B} ${m.backprop.grad_B}, δ^{A} ${m.backprop.delta_A}, ∇_{A} ${m.backprop.grad_A}), ` +
      `against ${m.naiveTotal.toLocaleString('en')} when every ∂L/∂A_{ij} and ∂L/∂B_{jk} is its own chain-rule ` +
      `product: ${ratio.toFixed(1)}× as many.`,
    );
    const bar = (label, value, max, cls) => {
      const row = document.createElement('div');
      row.className = 'meter-row';
      const name = document.createElement('span');
      name.textContent = label;
      const track = document.createElement('span');
      track.className = 'meter-track';
      const fill = document.createElement('span');
      fill.className = `meter-fill ${cls}`;
      fill.style.width = `${Math.max(1, (100 * value) / max)}%`;
      track.appendChild(fill);
      const num = document.createElement('span');
      num.textContent = value.toLocaleString('en');
      row.append(name, track, num);
      return row;
    };
    this.container.append(
      p,
      bar('backprop (reuses δ)', m.backpropTotal, m.naiveTotal, 'fill-backprop'),
      bar('each ∂L/∂w on its own', m.naiveTotal, m.naiveTotal, 'fill-naive'),
    );
  }
}
