/**
 * @fileoverview Control mode's transition strip: the step on show as (S, A, R, S′, A′) and the
 * target y of the action taken, with the agent's formula and its numbers, and the error
 * y − q̂(S, A) that step corrects, from δᴮ's phase on (it is −δᴮ under a linear f_B: shown
 * before, it would answer the quiz's or the class's question on ŷ or δᴮ).  Only that output is
 * corrected: the other two keep y = ŷ.
 */

import { richText, setAttr, setText } from '../lib/dom.js';
import { fmt } from '../lib/format.js';
import { ACTION_NAMES, AGENT_TARGETS, isControl, targetParts } from '../state/control.js';
import { reached } from '../state/phases.js';

const PARTS = ['S', 'A', 'R', 'S′', 'A′', 'y'];
const THROTTLE = ['−1', 'none', '+1'];

const pair = ([p, v]) => `(${fmt(p)}, ${fmt(v)})`;
/** A number after an operator: a negative one in brackets, so "× (−3.2)" never reads "× −3.2". */
const term = (v) => (v < 0 ? `(${fmt(v)})` : fmt(v));

/** The target in words with its numbers: "R + γ q̂(S′, A′) = −1 + 1 × −0.0365 = −1.0365". */
export function targetText(trace, env) {
  const tr = trace.transition;
  const { bootstrap, pi, value } = targetParts(trace, env);
  if (bootstrap === null) return `y = R = ${fmt(tr.reward)} (S′ is the goal: the episode ends, no q̂(S′, ·))`;
  const q = trace.q_next;
  const formula = {
    sarsa: () => `R + γ q̂(S′, A′) = ${fmt(tr.reward)} + ${fmt(env.gamma)} × ${term(q[tr.next_action])}`,
    q_learning: () => `R + γ max_{a} q̂(S′, a) = ${fmt(tr.reward)} + ${fmt(env.gamma)} × max(${q.map(fmt).join(', ')}) = ` +
      `${fmt(tr.reward)} + ${fmt(env.gamma)} × ${term(bootstrap)}`,
    expected_sarsa: () => `R + γ Σ_{a} π(a|S′) q̂(S′, a) = ${fmt(tr.reward)} + ${fmt(env.gamma)} × (` +
      `${q.map((v, a) => `${fmt(pi[a])} × ${term(v)}`).join(' + ')})`,
  }[env.agent]();
  return `y = ${formula} = ${fmt(value)}`;
}

export class TransitionStrip {
  /** @param {HTMLElement} container  @param {HTMLElement} caption */
  init(container, caption) {
    if (!container || !caption) throw new Error('TransitionStrip needs a container and a caption');
    this.container = container;
    this.caption = caption;
    this.cells = {};
    for (const name of PARTS) {
      const cell = document.createElement('div');
      cell.className = 'strip-part';
      cell.dataset.part = name;
      const head = document.createElement('span');
      head.className = 'strip-name';
      head.textContent = name;
      const value = document.createElement('span');
      value.className = 'strip-value';
      cell.append(head, value);
      container.appendChild(cell);
      this.cells[name] = value;
    }
    return this;
  }

  render(state) {
    const cfg = state.session && state.session.config;
    if (!isControl(cfg)) return;
    const t = state.trace;
    const tr = t && t.transition;
    if (!tr) {
      for (const value of Object.values(this.cells)) setText(value, '·');
      delete this.container.dataset.target; // quiet when it has none
      richText(this.caption, 'Each step: the car in state S takes action A, gets R = −1 and lands in S′, where the agent ' +
        'chooses A′. The network is then corrected towards the target y, for the action A only.');
      return;
    }
    const env = cfg.environment;
    const a = tr.action;
    setText(this.cells.S, pair(tr.state));
    setText(this.cells.A, `${ACTION_NAMES[a]} (${THROTTLE[a]})`);
    setText(this.cells.R, fmt(tr.reward));
    setText(this.cells['S′'], tr.terminal ? `${pair(tr.next_state)}, the goal` : pair(tr.next_state));
    const a2 = tr.next_action;
    setText(this.cells['A′'], tr.terminal ? '— (episode over)' : `${ACTION_NAMES[a2]} (${THROTTLE[a2]})`);
    setText(this.cells.y, fmt(t.y[a]));
    for (const [name, v] of [['action', a], ['nextAction', tr.next_action], ['reward', tr.reward], ['target', t.y[a]]]) {
      setAttr(this.container, `data-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, String(v));
    }
    const [agent] = AGENT_TARGETS[env.agent];
    // The error waits for δᴮ's phase (a class's student has ŷ only from its own phase on).
    const error = t.y_hat && reached(state, 'delta_B')
      ? ` Error y − q̂(S, A) = ${fmt(t.y[a])} − ${term(t.y_hat[a])} = ${fmt(t.y[a] - t.y_hat[a])}.`
      : ' Its error y − q̂(S, A) comes with δ^{B}.';
    richText(this.caption, `${agent}: ${targetText(t, env)}.${error} The two actions not taken get y = ŷ, so their δ^{B} is 0.`);
  }
}
