/**
 * @fileoverview The control bar as the state has it: Play or Pause, which
 * toggles are on, Epoch or Episode, the log-scale box, and the speed menus,
 * made from the speeds play mode offers.  The buttons that take steps are off
 * while a job of several calls runs.
 */

import { byId, setAttr, setProp, setText } from '../lib/dom.js';
import { RATES, STEPS_PER_FRAME } from '../state/play.js';
import { isEpisodic } from '../state/td.js';
import { working } from '../state/work.js';

const STEPPING = ['next-phase', 'step', 'epoch', 'play', 'reset', 'reset-seed'];

function fillMenu(select, values, label) {
  select.replaceChildren(...values.map((v) => new Option(label(v), String(v))));
}

export class ControlsView {
  /** @param {(rate: number, stepsPerFrame: number) => void} onSpeed  a speed menu changed */
  init(onSpeed) {
    this.rate = byId('rate');
    this.stepsPerFrame = byId('steps-per-frame');
    if (!this.rate || !this.stepsPerFrame || !onSpeed) throw new Error('ControlsView needs the speed menus and a handler');
    fillMenu(this.rate, RATES, (r) => `${r}/s`);
    fillMenu(this.stepsPerFrame, STEPS_PER_FRAME, String);
    // The menus hold the lists' own values, so the choice is read by position, not parsed.
    const chosen = () => onSpeed(RATES[this.rate.selectedIndex], STEPS_PER_FRAME[this.stepsPerFrame.selectedIndex]);
    this.rate.addEventListener('change', chosen);
    this.stepsPerFrame.addEventListener('change', chosen);
    return this;
  }

  render(state) {
    const $ = byId;
    // The names only: each button's key hint is a span of its own, hidden on touch screens.
    setText($('play').querySelector('.name'), state.play.playing ? 'Pause' : 'Play');
    setAttr($('play'), 'aria-pressed', String(state.play.playing));
    setText($('epoch').querySelector('.name'), isEpisodic(state.session && state.session.config) ? 'Episode' : 'Epoch');
    const busy = working(state);
    for (const id of STEPPING) setProp($(id), 'disabled', busy);
    setAttr($('quiz-toggle'), 'aria-pressed', String(state.quizMode));
    setAttr($('presenter-toggle'), 'aria-pressed', String(state.presenter));
    setProp($('log-scale'), 'checked', state.chart.log);
    setProp(this.rate, 'value', String(state.play.rate));
    setProp(this.stepsPerFrame, 'value', String(state.play.stepsPerFrame));
  }
}
