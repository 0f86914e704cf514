/**
 * @fileoverview Wires the page: one state object, the views that render it,
 * and the actions (buttons and keys) that change it through the API.
 */

import { ApiError, Player, api } from './api.js';
import { EquationsView } from './equations.js';
import { fmt } from './format.js';
import { LossChart, appendLosses, clearLosses } from './losschart.js';
import { NetworkView } from './network.js';
import { PseudoCodeView } from './pseudocode.js';
import { SettingsView } from './settings.js';
import { LAST_PHASE, completeTrace, currentSample, initialState } from './state.js';

const $ = (id) => document.getElementById(id);
const state = initialState();

const views = [
  new NetworkView().init($('network'), $('tooltip')),
  new EquationsView().init($('equations'), $('equations-heading')),
  new PseudoCodeView().init($('pseudocode')),
  new LossChart().init($('loss-chart')),
];
const settings = new SettingsView().init($('settings'), $('dataset-description'));
views.push(settings);
let player = null;
let busy = false;

function render() {
  for (const view of views) view.render(state);
  renderStatus();
}

function renderStatus() {
  if (state.session) document.body.dataset.session = state.session.id;
  const c = state.counters;
  $('step-count').textContent = String(c.step);
  $('epoch-count').textContent = String(c.epoch);
  $('mean-loss').textContent = c.datasetLoss === null ? '—' : fmt(c.datasetLoss);
  const sample = currentSample(state);
  if (sample) {
    $('sample-index').textContent = `#${sample.index + 1}`;
    $('sample-s').textContent = `(${sample.s.map(fmt).join(', ')})`;
    $('sample-y').textContent = `(${sample.y.map(fmt).join(', ')})`;
  }
  $('sample-when').textContent = state.trace ? 'this step' : 'next step';
  const banner = $('diverged');
  banner.hidden = !state.diverged;
  if (state.diverged) {
    $('diverged-message').textContent = state.diverged.message;
    $('diverged-advice').textContent = state.diverged.advice;
  }
  const notice = $('notice');
  notice.hidden = !state.notice;
  notice.textContent = state.notice || '';
  $('play').textContent = state.play.playing ? 'Pause (P)' : 'Play (P)';
  $('play').setAttribute('aria-pressed', String(state.play.playing));
  $('log-scale').checked = state.chart.log;
}

// ------------------------------------------------------------------ session

function adopt(body) {
  state.session = { id: body.id, config: body.config };
  state.A = body.state.A;
  state.B = body.state.B;
  state.trace = null;
  state.phase = -1;
  state.diverged = null;
  setCounters(body.state);
  const cfg = body.config;
  const ds = state.datasets.find((d) => d.name === cfg.dataset);
  state.data = cfg.data || (ds ? { s: ds.s, y: ds.y } : null);
  clearLosses(state.chart, body.state.dataset_loss);
}

function setCounters(s) {
  state.counters = { step: s.step, epoch: s.epoch, datasetLoss: s.dataset_loss, nextIndex: s.next_index };
}

async function createSession(config) {
  const body = await api.create(config);
  if (state.session) api.remove(state.session.id).catch(() => {});
  adopt(body);
  state.fieldErrors = {};
}

/** Run an API action; a vanished session is re-created with the same settings. */
async function guarded(action) {
  if (busy) return;
  busy = true;
  document.body.dataset.busy = 'true';
  try {
    state.notice = null;
    await action();
  } catch (err) {
    await handleError(err);
  } finally {
    busy = false;
    document.body.dataset.busy = 'false';
    render();
  }
}

async function handleError(err) {
  if (!(err instanceof ApiError)) throw err;
  if (err.status === 409 && err.body.diverged) {
    state.diverged = { message: err.body.message, advice: err.body.advice };
    if (err.body.state) setCounters(err.body.state);
    stopPlaying();
  } else if (err.status === 404 && state.session) {
    stopPlaying();
    const { config } = state.session;
    await createSession(sessionConfig(config));
    state.notice = 'The server no longer had this session (it may have restarted or expired), so a fresh one was started with the same settings.';
  } else {
    state.notice = err.message;
  }
}

/** The part of a session's config that re-creates it. */
function sessionConfig(config) {
  const out = { ...config };
  delete out.n_s;
  delete out.n_y;
  if (out.data) delete out.dataset;
  return out;
}

// ------------------------------------------------------------------ actions

function takeTrace(body) {
  state.trace = completeTrace(body.trace, state.session.config);
  state.A = body.trace.A;
  state.B = body.trace.B;
  state.diverged = null;
  setCounters(body.state);
  appendLosses(state.chart, body.state.step, body.losses, body.state.dataset_loss);
}

const actions = {
  nextPhase: () =>
    guarded(async () => {
      stopPlaying();
      if (state.trace && state.phase < LAST_PHASE) {
        state.phase += 1;
        return;
      }
      takeTrace(await api.step(state.session.id, 1));
      state.phase = 0;
    }),
  step: () =>
    guarded(async () => {
      stopPlaying();
      takeTrace(await api.step(state.session.id, 1));
      state.phase = LAST_PHASE;
    }),
  epoch: () =>
    guarded(async () => {
      stopPlaying();
      const size = state.data.s.length;
      const n = size - (state.counters.step % size);
      takeTrace(await api.step(state.session.id, n));
      state.phase = LAST_PHASE;
    }),
  reset: (newSeed) =>
    guarded(async () => {
      stopPlaying();
      const seed = newSeed ? Math.floor(Math.random() * 2 ** 31) : undefined;
      adopt(await api.reset(state.session.id, seed));
      settings.fill({ seed: state.session.config.seed });
    }),
  togglePlay: () => (state.play.playing ? stopPlaying() : startPlaying()),
  toggleLog: () => {
    state.chart.log = !state.chart.log;
    render();
  },
  speed: (delta) => {
    const rates = [1, 2, 5, 10, 20, 30, 60];
    const i = Math.max(0, Math.min(rates.length - 1, rates.indexOf(state.play.rate) + delta));
    setSpeed(rates[i], state.play.stepsPerFrame);
  },
};

function setSpeed(rate, stepsPerFrame) {
  state.play.rate = rate;
  state.play.stepsPerFrame = stepsPerFrame;
  $('rate').value = String(rate);
  $('steps-per-frame').value = String(stepsPerFrame);
  if (player) player.setSpeed(rate, stepsPerFrame);
  render();
}

function startPlaying() {
  if (!state.session || player) return;
  state.play.playing = true;
  state.diverged = null;
  player = new Player(
    state.session.id,
    state.play,
    (frame) => {
      takeTrace(frame);
      state.phase = LAST_PHASE;
      render();
    },
    (msg) => {
      stopPlaying();
      if (msg.type === 'diverged') {
        state.diverged = { message: msg.message, advice: msg.advice };
        if (msg.state) setCounters(msg.state);
        render();
      } else if (msg.type === 'closed' && msg.code === 4404) {
        guarded(() => Promise.reject(new ApiError(404, {})));
      } else if (msg.message) {
        state.notice = `Play stopped: ${msg.message}`;
        render();
      }
    },
  );
  render();
}

function stopPlaying() {
  if (player) player.close();
  player = null;
  state.play.playing = false;
}

async function applySettings(changed) {
  const { config, errors } = settings.read();
  state.fieldErrors = errors;
  if (Object.keys(errors).length) return render();
  stopPlaying();
  try {
    await createSession(config);
    state.notice = null;
  } catch (err) {
    if (err instanceof ApiError && err.status === 422) {
      // The old session keeps working; the message goes beside the field.
      const field = (err.body.detail && err.body.detail[0] && err.body.detail[0].field) || changed;
      const key = field.split('.')[0];
      state.fieldErrors = { [settings.form.elements.namedItem(key) ? key : changed]: err.message };
    } else {
      await handleError(err);
    }
  }
  render();
}

// ------------------------------------------------------------------ wiring

const KEYS = {
  n: actions.nextPhase,
  s: actions.step,
  e: actions.epoch,
  p: actions.togglePlay,
  ' ': actions.togglePlay,
  r: () => actions.reset(false),
  R: () => actions.reset(true),
  l: actions.toggleLog,
  '[': () => actions.speed(-1),
  ']': () => actions.speed(1),
};

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target.closest && target.closest('input, select, textarea')) return;
  if (event.key === ' ' && target.closest && target.closest('button, [tabindex]')) return;
  const key = event.key === 'R' || event.key === ' ' ? event.key : event.key.toLowerCase();
  const action = KEYS[key];
  if (!action) return;
  event.preventDefault();
  action();
}

function wire() {
  $('next-phase').addEventListener('click', actions.nextPhase);
  $('step').addEventListener('click', actions.step);
  $('epoch').addEventListener('click', actions.epoch);
  $('play').addEventListener('click', actions.togglePlay);
  $('reset').addEventListener('click', () => actions.reset(false));
  $('reset-seed').addEventListener('click', () => actions.reset(true));
  $('log-scale').addEventListener('change', actions.toggleLog);
  $('rate').addEventListener('change', (e) => setSpeed(Number(e.target.value), state.play.stepsPerFrame));
  $('steps-per-frame').addEventListener('change', (e) => setSpeed(state.play.rate, Number(e.target.value)));
  settings.form.addEventListener('change', (e) => applySettings(e.target.name));
  settings.form.addEventListener('submit', (e) => {
    e.preventDefault();
    applySettings('dataset');
  });
  document.addEventListener('keydown', onKey);
  window.addEventListener('pagehide', stopPlaying);
}

async function boot() {
  wire();
  try {
    state.datasets = await api.datasets();
    settings.setDatasets(state.datasets);
    const { config } = settings.read();
    await createSession(config);
  } catch (err) {
    state.notice = err.message;
  }
  document.body.dataset.ready = 'true';
  render();
}

boot();
