/**
 * @fileoverview TD mode's walk as a strip of states: the two ends with their
 * rewards, each state coloured by the network's v̂, the agent where it stands,
 * the move just taken (S → S′ with its reward) and the TD error of that step.
 * Built once per walk length with stable ids, then only restyled.
 */

import { mark, richText, setAttr, setText, svgEl as el } from '../lib/dom.js';
import { fmt, sub } from '../lib/format.js';
import { isTD } from '../state/td.js';

const W = 1000;
const H = 150;
const END = 74; // width of each terminal box
const ROW = { left: 14 + END + 8, right: W - 14 - END - 8, top: 62, height: 46 };
const LABEL_ALL = 40; // up to this many states, every state is numbered

/** v in [-1, 1] as blue (−1) through white (0) to vermillion (+1), like the fit view's scale. */
export function valueColour(v) {
  const c = Math.max(-1, Math.min(1, Number.isFinite(v) ? v : 0));
  const end = c < 0 ? [0, 114, 178] : [213, 94, 0];
  const u = Math.abs(c);
  return `rgb(${end.map((e) => Math.round(255 + (e - 255) * u)).join(',')})`;
}

export class TDView {
  /** @param {HTMLElement} container  @param {HTMLElement} caption */
  init(container, caption) {
    if (!container || !caption) throw new Error('TDView needs a container and a caption');
    this.container = container;
    this.caption = caption;
    this.states = null;
    this.valuesKey = null;
    return this;
  }

  /** x of a position on the row: states 0..n-1 at their cell's centre, the ends (-1, n) in their boxes. */
  x(position) {
    if (position < 0) return 14 + END / 2;
    if (position >= this.states) return W - 14 - END / 2;
    return ROW.left + (position + 0.5) * this.cell;
  }

  build(states) {
    this.states = states;
    this.cell = (ROW.right - ROW.left) / states;
    this.container.replaceChildren();
    const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, id: 'td-walk-svg', role: 'img' });
    this.container.appendChild(svg);
    this.svg = svg;
    const defs = el('defs', {}, svg);
    const marker = el('marker', { id: 'td-arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
    el('path', { d: 'M0,0 L10,5 L0,10 z', class: 'td-arrow-head' }, marker);
    for (const [side, x, reward] of [['left', 14, '−1'], ['right', W - 14 - END, '+1']]) {
      const g = el('g', { class: `td-end td-end-${side}`, id: `td-end-${side}` }, svg);
      el('rect', { x, y: ROW.top - 4, width: END, height: ROW.height + 8, rx: 8 }, g);
      el('text', { x: x + END / 2, y: ROW.top + 18, 'text-anchor': 'middle', class: 'td-end-label' }, g).textContent = 'end';
      el('text', { x: x + END / 2, y: ROW.top + 38, 'text-anchor': 'middle', class: 'td-end-reward' }, g).textContent = `R = ${reward}`;
    }
    const cells = el('g', { class: states > LABEL_ALL ? 'td-cells many' : 'td-cells' }, svg);
    this.cells = [];
    for (let i = 0; i < states; i++) {
      const r = el('rect', { x: ROW.left + i * this.cell, y: ROW.top, width: this.cell, height: ROW.height, class: 'td-cell', id: `td-cell-${i}` }, cells);
      el('title', {}, r);
      this.cells.push(r);
    }
    el('rect', { x: ROW.left, y: ROW.top, width: ROW.right - ROW.left, height: ROW.height, class: 'td-row-outline' }, svg);
    const ticks = states <= LABEL_ALL ? [...Array(states).keys()] : [0, Math.floor((states - 1) / 2), states - 1];
    for (const i of ticks) {
      el('text', { x: this.x(i), y: ROW.top + ROW.height + 17, 'text-anchor': 'middle', class: 'td-tick' }, svg).textContent = sub(i);
    }
    this.from = el('rect', { class: 'td-from', y: ROW.top - 3, height: ROW.height + 6, width: 0 }, svg);
    this.move = el('path', { class: 'td-move', id: 'td-move', 'marker-end': 'url(#td-arrow)' }, svg);
    this.reward = el('text', { class: 'td-reward', id: 'td-reward', 'text-anchor': 'middle' }, svg);
    this.agent = el('g', { class: 'td-agent', id: 'td-agent' }, svg);
    // The agent sits on its state; the move's arrow lands on the row just above it.
    el('circle', { cx: 0, cy: ROW.top + ROW.height / 2, r: 11 }, this.agent);
  }

  render(state) {
    const cfg = state.session && state.session.config;
    if (!isTD(cfg)) return;
    const env = cfg.environment;
    if (env.states !== this.states) this.build(env.states);
    const t = state.trace;
    const tr = t && t.transition;
    this._colour(state);

    const at = state.counters.nextIndex;
    setAttr(this.agent, 'transform', `translate(${this.x(at)},0)`);
    setAttr(this.agent, 'data-state', String(at));

    mark(this.move, 'shown', Boolean(tr));
    mark(this.from, 'shown', Boolean(tr));
    if (tr) {
      const x1 = this.x(tr.state);
      const x2 = this.x(tr.next_state);
      const lift = Math.min(52, 18 + Math.abs(x2 - x1) / 3);
      const y = ROW.top - 2;
      setAttr(this.move, 'd', `M${x1},${y} Q${(x1 + x2) / 2},${y - lift * 1.6} ${x2},${y}`);
      setAttr(this.reward, 'x', String((x1 + x2) / 2));
      setAttr(this.reward, 'y', String(y - lift * 0.8 - 6));
      setText(this.reward, `R = ${fmt(tr.reward)}`);
      setAttr(this.from, 'x', String(ROW.left + tr.state * this.cell - 1.5));
      setAttr(this.from, 'width', String(Math.max(this.cell + 3, 5)));
      setAttr(this.svg, 'data-move', `${tr.state}>${tr.next_state}`);
    } else {
      setText(this.reward, '');
      delete this.svg.dataset.move; // quiet when it has none
    }
    setAttr(this.svg, 'aria-label', this._describe(env, at, tr));
    this._caption(state, env, t);
  }

  _colour(state) {
    const v = state.values;
    const key = v ? `${v.version}` : 'none';
    if (key === this.valuesKey) return;
    this.valuesKey = key;
    this.cells.forEach((rect, i) => {
      const value = v ? v.v_hat[i] : 0;
      setAttr(rect, 'fill', valueColour(value));
      setText(rect.firstChild, v
        ? `state ${sub(i)}: v̂ = ${fmt(value)}, true v = ${fmt(v.v_true[i])}`
        : `state ${sub(i)}`);
    });
  }

  _describe(env, at, tr) {
    const where = `The agent is at state ${sub(at)} of ${env.states}.`;
    if (!tr) return `Random walk of ${env.states} states. ${where}`;
    const to = tr.terminal ? `off the ${tr.next_state < 0 ? 'left' : 'right'} end` : `to state ${sub(tr.next_state)}`;
    return `Random walk of ${env.states} states. Last move: from state ${sub(tr.state)} ${to}, reward ${fmt(tr.reward)}. ${where}`;
  }

  _caption(state, env, t) {
    const tr = t && t.transition;
    if (!tr) {
      delete this.caption.dataset.tdError; // quiet when it has none
      richText(
        this.caption,
        `The agent starts in the middle, at state ${sub(state.counters.nextIndex)}. Each step moves it 1 to ${env.jump} ` +
          `state${env.jump > 1 ? 's' : ''} left or right at random; off the left end the reward is −1, off the right end +1, ` +
          'and 0 otherwise. Colours: the network’s v̂ of each state, from −1 (blue) to +1 (vermillion).',
      );
      return;
    }
    const S = sub(tr.state);
    const to = tr.terminal ? `off the ${tr.next_state < 0 ? 'left' : 'right'} end (terminal)` : `to S′ = ${sub(tr.next_state)}`;
    if (!t.y_hat) { // a class's student has v̂(S) from the phase that shows it on: the error waits for it
      delete this.caption.dataset.tdError;
      richText(this.caption, `Move from S = ${S} ${to}, R = ${fmt(tr.reward)}.`);
      return;
    }
    // The TD error of the step: the target minus the estimate before the update.
    const error = t.y[0] - t.y_hat[0];
    setAttr(this.caption, 'data-td-error', String(error));
    let target;
    if (env.target === 'mc') {
      const ep = t.episode;
      target = `Monte Carlo: the episode ended after T = ${ep.length} moves with R_{T} = ${fmt(ep.final_reward)}; ` +
        `this step learns from its state at t = ${ep.t}, with y = G_{t} = ${fmt(t.y[0])}. ` +
        `Error G_{t} − v̂(S) = ${fmt(t.y[0])} − ${fmt(t.y_hat[0])} = ${fmt(error)}.`;
    } else {
      const boot = tr.terminal ? '' : ` + ${fmt(env.gamma)} × ${fmt(t.v_next)}`;
      target = `TD error δ = R + γ v̂(S′) − v̂(S) = ${fmt(tr.reward)}${boot} − ${fmt(t.y_hat[0])} = ${fmt(error)}` +
        (tr.terminal ? ' (v̂ of a terminal state is 0).' : '.');
    }
    richText(this.caption, `Move from S = ${S} ${to}, R = ${fmt(tr.reward)}. ${target}`);
  }
}
