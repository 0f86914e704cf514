/**
 * @fileoverview The gradient check: backprop's ∂L/∂A_ij and ∂L/∂B_jk next to
 * the server's finite-difference estimates, for the sample the next step uses.
 */

import { fmt, sub } from '../lib/format.js';

const MAX_ROWS = 40; // entries listed; the largest error is over all of them

export class GradcheckView {
  /** @param {HTMLElement} container  @param {HTMLElement} summary */
  init(container, summary) {
    if (!container || !summary) throw new Error('GradcheckView needs a container and a summary');
    this.container = container;
    this.summary = summary;
    this.shown = null;
    return this;
  }

  render(state) {
    const g = state.gradcheck;
    if (g === this.shown) return;
    this.shown = g;
    this.container.replaceChildren();
    if (!g) {
      this.summary.textContent = 'Press “Check gradients” to compare backprop with finite differences at the current weights.';
      return;
    }
    const ok = g.max_rel_error < 1e-6;
    this.summary.textContent =
      `Sample #${g.index + 1}, central differences with h = ${g.h}: the largest relative error is ` +
      `${g.max_rel_error.toExponential(2)} — ${ok ? 'backprop agrees with the finite differences.' : 'larger than expected (a ReLU kink near ψ = 0 can do this).'}`;
    this.container.dataset.maxRelError = String(g.max_rel_error);
    const table = document.createElement('table');
    table.className = 'gradcheck-table';
    const head = table.createTHead().insertRow();
    for (const h of ['weight', 'backprop', 'finite differences', 'relative error']) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = h;
      head.appendChild(th);
    }
    const body = table.createTBody();
    let rows = 0;
    for (const [name, G, N] of [['A', g.grad_A, g.numeric_grad_A], ['B', g.grad_B, g.numeric_grad_B]]) {
      G.forEach((row, r) =>
        row.forEach((v, c) => {
          if (rows++ >= MAX_ROWS) return;
          const n = N[r][c];
          const rel = Math.abs(v - n) / Math.max(Math.abs(v), Math.abs(n), 1e-8);
          const tr = body.insertRow();
          tr.insertCell().textContent = `∂L/∂${name}${sub(r)},${sub(c)}`;
          tr.insertCell().textContent = fmt(v);
          tr.insertCell().textContent = fmt(n);
          tr.insertCell().textContent = rel.toExponential(1);
          tr.dataset.weight = `${name}-${r}-${c}`;
        }));
    }
    this.container.appendChild(table);
  }
}
