/**
 * @fileoverview Predict, then reveal: before a phase that produces a number is
 * shown, the learner types what they expect; the page then reveals the value
 * and says how close the guess was.
 */

import { richText, setProp, setText } from '../lib/dom.js';
import { fmt } from '../lib/format.js';

/** How close a guess was, in words a student reads at a glance. */
export function verdict(guess, value) {
  const off = Math.abs(guess - value);
  const rel = off / Math.max(Math.abs(value), 1e-12);
  if (off < 5e-5) return `Spot on: ${fmt(value)}.`;
  const size = rel < 0.05 ? 'Very close' : rel < 0.25 ? 'Close' : 'Not quite';
  return `${size}: the value is ${fmt(value)}; your guess ${fmt(guess)} is off by ${fmt(off)} (${(100 * rel).toFixed(1)}%).`;
}

export class QuizView {
  /** @param {HTMLElement} panel  containing #quiz-prompt, #quiz-guess, #quiz-result */
  init(panel, onReveal) {
    if (!panel) throw new Error('QuizView needs its panel');
    this.panel = panel;
    this.prompt = panel.querySelector('#quiz-prompt');
    this.input = panel.querySelector('#quiz-guess');
    this.result = panel.querySelector('#quiz-result');
    this.form = panel.querySelector('form');
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      onReveal(this.input.value);
    });
    this.asked = null;
    return this;
  }

  render(state) {
    const q = state.quiz;
    setProp(this.panel, 'hidden', !state.quizMode);
    if (!state.quizMode) return;
    const waiting = q && q.guess === null;
    setProp(this.form, 'hidden', !waiting);
    if (waiting && this.asked !== q) {
      richText(this.prompt, `Before it is shown: what is ${q.label}?`);
      this.input.value = '';
      this.result.textContent = '';
      this.asked = q;
      this.input.focus();
    }
    if (q && q.guess !== null) setText(this.result, verdict(q.guess, q.value));
    if (!q) {
      setText(this.prompt, 'Quiz mode: step with Next phase (N); you will be asked for ŷ, δ and the new weights before they are shown.');
      setText(this.result, '');
    }
  }
}
