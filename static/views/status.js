/**
 * @fileoverview The top bar and the banners: step, epoch (episodes in TD
 * mode), the sample in use, the mean loss (the RMS value error in TD mode),
 * the divergence banner and the notice line.
 */

import { byId } from '../lib/dom.js';
import { fmt } from '../lib/format.js';
import { currentSample } from '../state/trace.js';
import { featureIndex, isTD } from '../state/td.js';

/** The top bar's sample in TD mode: the state S, its features in words, the target y. */
export function sampleText(config, sample) {
  const env = config.environment;
  const k = featureIndex(env, sample.index);
  const s = env.features === 'aggregate' ? `one-hot of group ${k + 1} of ${env.groups}` : `one-hot of state ${sample.index + 1}`;
  return { index: `S = ${sample.index + 1}`, s: `(${s}${config.bias ? ', 1' : ''})`, y: `(${fmt(sample.y[0])})` };
}

export class StatusView {
  /** @param {HTMLElement} body  the page's body, holding the top bar and the banners by id */
  init(body) {
    if (!body || !byId('step-count') || !byId('diverged')) throw new Error('StatusView needs the top bar and the banners');
    this.body = body;
    return this;
  }

  render(state) {
    const $ = byId;
    if (state.session) this.body.dataset.session = state.session.id;
    const c = state.counters;
    $('step-count').textContent = String(c.step);
    $('epoch-count').textContent = String(c.epoch);
    // TD mode: the state's features in words, episodes for epochs, the RMS value error for the mean loss.
    const td = isTD(state.session && state.session.config);
    this.body.classList.toggle('td-mode', td);
    $('epoch-label').textContent = td ? 'episodes' : 'epoch';
    $('mean-loss-label').textContent = td ? 'RMS value error' : 'mean loss over D';
    $('mean-loss').textContent = c.datasetLoss === null ? '—' : fmt(td ? c.rmsve : c.datasetLoss);
    const sample = currentSample(state);
    if (sample) {
      const text = td
        ? sampleText(state.session.config, sample)
        : { index: `#${sample.index + 1}`, s: `(${sample.s.map(fmt).join(', ')})`, y: `(${sample.y.map(fmt).join(', ')})` };
      $('sample-index').textContent = text.index;
      $('sample-s').textContent = text.s;
      $('sample-y').textContent = text.y;
    }
    $('sample-when').textContent = state.trace ? 'this step' : 'next step';
    $('diverged').hidden = !state.diverged;
    if (state.diverged) {
      $('diverged-message').textContent = state.diverged.message;
      $('diverged-advice').textContent = state.diverged.advice;
    }
    $('notice').hidden = !state.notice;
    $('notice').textContent = state.notice || '';
  }
}
