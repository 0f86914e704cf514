/**
 * @fileoverview The top bar and the banners: step, epoch (episodes in TD
 * mode), the sample in use, the mean loss (the RMS value error in TD mode),
 * the divergence warning with its fix (a lower α, named with its value) and
 * the notice line.
 */

import { byId, mark, setAttr, setProp, setText } from '../lib/dom.js';
import { fmt } from '../lib/format.js';
import { PLAYING_NUMBERS_MS, Pace } from '../lib/pace.js';
import { lowerAlphaLabel } from '../state/alpha.js';
import { shownMean } from '../state/losses.js';
import { currentSample } from '../state/trace.js';
import { featureIndex, isEpisodic, isTD } from '../state/td.js';
import { isControl, isTiles } from '../state/control.js';

/** The top bar's sample in TD and control mode: the state S, its features in words, the target y. */
export function sampleText(config, sample) {
  const env = config.environment;
  if (isControl(config)) {
    // y of the action taken alone: the others are their own ŷ
    const taken = sample.y.findIndex((v, a) => Number.isFinite(v) && sample.action === a);
    return { index: `t = ${sample.index + 1}`, s: `(${sample.s.map(fmt).join(', ')})`, y: taken >= 0 ? `(${fmt(sample.y[taken])} for A)` : '(·)' };
  }
  const k = featureIndex(env, sample.index);
  const s = env.features === 'aggregate' ? `one-hot of group ${k + 1} of ${env.groups}` : `one-hot of state ${sample.index + 1}`;
  return { index: `S = ${sample.index + 1}`, s: `(${s}${config.bias ? ', 1' : ''})`, y: `(${fmt(sample.y[0])})` };
}

export class StatusView {
  /** @param {HTMLElement} body  the page's body, holding the top bar and the banners by id */
  init(body) {
    if (!body || !byId('step-count') || !byId('diverged')) throw new Error('StatusView needs the top bar and the banners');
    this.body = body;
    this.counters = body.querySelector('.counters');
    // The step and epoch change with every frame; the sample and the mean loss at the numbers' pace.
    this.numbers = new Pace(PLAYING_NUMBERS_MS, (state) => this.render(state));
    return this;
  }

  render(state) {
    const text = (id, value) => setText(byId(id), value);
    if (state.session) setAttr(this.body, 'data-session', String(state.session.id));
    const c = state.counters;
    // A live region that changes sixty times a second would have a screen reader speak without
    // a pause: while playing it is quiet, and the step Pause leaves on show is read out.
    if (this.counters) setAttr(this.counters, 'aria-live', state.play.playing ? 'off' : 'polite');
    text('step-count', String(c.step));
    text('epoch-count', String(c.epoch));
    if (this.numbers.due(state)) this._numbers(state);
    this._banners(state);
  }

  _numbers(state) {
    const text = (id, value) => setText(byId(id), value);
    const c = state.counters;
    // TD mode: the state's features in words, episodes for epochs, the RMS value error for the mean loss.
    const config = state.session && state.session.config;
    const td = isTD(config);
    mark(this.body, 'td-mode', td);
    mark(this.body, 'control-mode', isControl(config));
    mark(this.body, 'tile-mode', isTiles(config));
    text('diagram-heading', isTiles(config) ? 'The tile coder’s x, and B' : 'The network');
    text('epoch-label', isEpisodic(config) ? 'episodes' : 'epoch');
    text('mean-loss-label', td ? 'RMS value error' : isControl(config) ? 'mean cost to go' : 'mean loss over D');
    // While a step is walked through, the mean loss of the weights on show: before its update until an update phase.
    const mean = c.datasetLoss === null ? null : shownMean(state, td ? c.rmsve : c.datasetLoss);
    text('mean-loss', mean === null ? '—' : fmt(mean));
    const sample = currentSample(state);
    if (sample) {
      const shown = isEpisodic(config)
        ? sampleText(config, { ...sample, action: state.trace && state.trace.transition ? state.trace.transition.action : null })
        : { index: `#${sample.index + 1}`, s: `(${sample.s.map(fmt).join(', ')})`, y: `(${sample.y.map(fmt).join(', ')})` };
      text('sample-index', shown.index);
      text('sample-s', shown.s);
      text('sample-y', shown.y);
      setAttr(byId('sample-text'), 'title', `${shown.index} s = ${shown.s}, y = ${shown.y}`); // whole, where the bar cuts it
    }
    text('sample-when', state.trace ? 'this step' : 'next step');
  }

  _banners(state) {
    const $ = byId;
    const text = (id, value) => setText($(id), value);
    setProp($('diverged'), 'hidden', !state.diverged);
    if (state.diverged) {
      text('diverged-message', state.diverged.message);
      text('diverged-advice', state.diverged.advice);
      const own = state.session && state.session.id; // a class's follower has no run of its own to change
      setProp($('lower-alpha'), 'hidden', !own);
      if (own) text('lower-alpha', lowerAlphaLabel(state.session.config));
    }
    setProp($('notice'), 'hidden', !state.notice);
    text('notice', state.notice || '');
  }
}
