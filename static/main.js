/**
 * @fileoverview Wires the page: one state object, the views that render it,
 * and the actions (buttons and keys) that change it through the API.
 */

import { ApiError, Player, api } from './api.js';
import { CodeView } from './views/codepanel.js';
import { WeightEditor, SampleEditor } from './views/editors.js';
import { EquationsView } from './views/equations.js';
import { canvasToPng, download, downloadJSON, svgDocument, svgToPng } from './control/files.js';
import { FitView } from './views/fitview.js';
import { fmt } from './lib/format.js';
import { parseNumber } from './lib/parse.js';
import { GradcheckView } from './views/gradcheck.js';
import { LossChart } from './views/losschart.js';
import { MeterView } from './views/meter.js';
import { NetworkView } from './views/network.js';
import { PseudoCodeView } from './views/pseudocode.js';
import { QuizView } from './views/quiz.js';
import { SettingsView } from './views/settings.js';
import { HAND_PRESET, formFieldFor, recreatingConfig } from './state/config.js';
import { linkToRun, readLink } from './state/link.js';
import { fitGrid } from './state/fitgrid.js';
import { appendLosses, clearLosses, lossCSV } from './state/losses.js';
import { LAST_PHASE } from './state/phases.js';
import { questionFor } from './state/quiz.js';
import { state } from './state/store.js';
import { completeTrace, currentSample } from './state/trace.js';
import { chartValue, isTD, sampleText } from './state/td.js';
import { TDView } from './views/tdview.js';
import { ValuePlot } from './views/valueplot.js';

const $ = (id) => document.getElementById(id);

const weightEditor = new WeightEditor().init($('weight-editor'), (name, a, b, value) => setWeight(name, a, b, value));
const network = new NetworkView().init($('network'), $('tooltip'), (cell, ch) => weightEditor.open(cell, state, ch));
const chart = new LossChart().init($('loss-chart'));
const settings = new SettingsView().init($('settings'), (changed) => applySettings(changed));
const views = [
  network,
  new EquationsView().init($('equations'), $('equations-heading')),
  new PseudoCodeView().init($('pseudocode')),
  chart,
  settings,
  new QuizView().init($('quiz'), (guess) => actions.reveal(guess)),
  new FitView().init($('fit-canvas'), $('fit-caption')),
  new GradcheckView().init($('gradcheck'), $('gradcheck-summary')),
  new MeterView().init($('meter')),
  new SampleEditor().init($('sample-editor'), (index, s, y) => setSample(index, s, y)),
  new CodeView().init($('code'), $('code-caption')),
  new TDView().init($('td-walk'), $('td-caption')),
  new ValuePlot().init($('value-plot'), $('value-caption')),
];
let player = null;

function render() {
  // First, so that views measuring themselves (the equations) see the right type size.
  document.body.classList.toggle('presenter', state.presenter);
  for (const view of views) view.render(state);
  renderStatus();
}

function renderStatus() {
  if (state.session) document.body.dataset.session = state.session.id;
  const c = state.counters;
  $('step-count').textContent = String(c.step);
  $('epoch-count').textContent = String(c.epoch);
  // TD mode: the state's features in words, episodes for epochs, the RMS value error for the mean loss.
  const td = isTD(state.session && state.session.config);
  document.body.classList.toggle('td-mode', td);
  $('epoch-label').textContent = td ? 'episodes' : 'epoch';
  $('mean-loss-label').textContent = td ? 'RMS value error' : 'mean loss over D';
  $('epoch').textContent = td ? 'Episode (E)' : 'Epoch (E)';
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
  $('play').textContent = state.play.playing ? 'Pause (P)' : 'Play (P)';
  $('play').setAttribute('aria-pressed', String(state.play.playing));
  $('quiz-toggle').setAttribute('aria-pressed', String(state.quizMode));
  $('presenter-toggle').setAttribute('aria-pressed', String(state.presenter));
  $('log-scale').checked = state.chart.log;
  renderDeadNote();
  if (state.session) $('share-link').value = currentLink();
}

function renderDeadNote() {
  const t = state.trace;
  const cfg = state.session && state.session.config;
  const dead = t && cfg && cfg.f_A === 'relu' ? t.psi.map((p, j) => (p <= 0 ? j + 1 : 0)).filter(Boolean) : [];
  $('dead-note').hidden = dead.length === 0;
  $('dead-note').textContent = dead.length
    ? `Dead ReLU unit${dead.length > 1 ? 's' : ''} ${dead.join(', ')}: ψ ≤ 0 here, so f_A′(ψ) = 0, δᴬ = 0, and the weights into ${dead.length > 1 ? 'them' : 'it'} do not move on this sample.`
    : '';
}

// ------------------------------------------------------------------ session

function adopt(body) {
  state.session = { id: body.id, config: body.config };
  state.A = body.state.A;
  state.B = body.state.B;
  state.trace = null;
  state.phase = -1;
  state.quiz = null;
  state.diverged = null;
  state.gradcheck = null;
  setCounters(body.state);
  const cfg = body.config;
  const ds = state.datasets.find((d) => d.name === cfg.dataset);
  state.data = cfg.data || (ds ? { s: ds.s, y: ds.y } : null);
  state.dataVersion = (state.dataVersion || 0) + 1;
  clearLosses(state.chart, chartValue(body.state));
  refreshFit();
  state.values = null;
  refreshValues();
}

function setCounters(s) {
  state.counters = {
    step: s.step, epoch: s.epoch, datasetLoss: s.dataset_loss, nextIndex: s.next_index, rmsve: s.rmsve ?? null,
  };
}

async function createSession(config) {
  const body = await api.create(config);
  if (state.session) api.remove(state.session.id).catch(() => {});
  adopt(body);
  state.fieldErrors = {};
}

/**
 * Run an API action after those already asked for, one at a time, so that quick
 * presses are taken in order and none acts on a session being replaced.  A few
 * may wait; more are dropped (a held-down key must not pile up requests).  A
 * vanished session is re-created with the same settings.
 */
const MAX_WAITING = 4;
let queue = Promise.resolve();
let waiting = 0;
function guarded(action) {
  if (waiting >= MAX_WAITING) return queue;
  waiting += 1;
  document.body.dataset.busy = 'true';
  queue = queue.then(async () => {
    try {
      state.notice = null;
      await action();
    } catch (err) {
      try {
        await handleError(err);
      } catch (unexpected) {
        // keep the queue alive: the next action must still run
        state.notice = `Something went wrong: ${unexpected.message || unexpected}`;
      }
    } finally {
      waiting -= 1;
      document.body.dataset.busy = String(waiting > 0);
      render();
    }
  });
  return queue;
}

async function handleError(err) {
  if (!(err instanceof ApiError)) throw err;
  if (err.status === 409 && err.body.diverged) {
    state.diverged = { message: err.body.message, advice: err.body.advice };
    if (err.body.state) setCounters(err.body.state);
    stopPlaying();
  } else if (err.status === 404 && state.session) {
    stopPlaying();
    await createSession(recreatingConfig(state.session.config));
    state.notice = 'The server no longer had this session (it may have restarted or expired), so a fresh one was started with the same settings.';
  } else {
    state.notice = err.message;
  }
}

/**
 * A refresh that keeps one request in flight: asked again meanwhile, it runs once
 * more when that one ends.  While playing, the latest state wins and requests never
 * queue up.  A failed request leaves the last picture; the next change tries again.
 */
function latestOnly(refresh) {
  let inFlight = false;
  let again = false;
  const run = async () => {
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    try {
      await refresh();
    } catch (err) {
      // keep the last picture
    } finally {
      inFlight = false;
      if (again) {
        again = false;
        run();
      }
    }
  };
  return run;
}

// The fit view: ŷ on a grid over the input space, from predict.
const refreshFit = latestOnly(async () => {
  const grid = state.session ? fitGrid(state.data) : null;
  if (!grid) {
    state.fit = null;
    return;
  }
  const { y_hat } = await api.predict(state.session.id, grid.s);
  state.fit = { grid, y_hat, version: (state.fit ? state.fit.version : 0) + 1 };
  render();
});

// TD mode's values of every state.
const refreshValues = latestOnly(async () => {
  if (!state.session || !isTD(state.session.config)) return;
  const id = state.session.id;
  const values = await api.values(id);
  if (state.session && state.session.id === id) {
    state.values = { ...values, version: (state.values ? state.values.version : 0) + 1 };
    render();
  }
});

// ------------------------------------------------------------------ actions

function takeTrace(body) {
  state.trace = completeTrace(body.trace, state.session.config);
  state.A = body.trace.A;
  state.B = body.trace.B;
  state.diverged = null;
  state.gradcheck = null;
  setCounters(body.state);
  appendLosses(state.chart, body.state.step, body.losses, chartValue(body.state));
  refreshFit();
  refreshValues();
}

/** Move to the next phase; in quiz mode, ask first when that phase reveals a number. */
function advancePhase() {
  const next = state.phase + 1;
  if (state.quizMode && (!state.quiz || state.quiz.phaseIndex !== next)) {
    const q = questionFor(next, state.trace, state.counters.step);
    if (q) {
      state.quiz = q;
      return;
    }
  }
  if (state.quiz && state.quiz.phaseIndex === next && state.quiz.guess === null) return; // waiting
  state.phase = next;
}

const actions = {
  nextPhase: () =>
    guarded(async () => {
      stopPlaying();
      if (state.trace && state.phase < LAST_PHASE) {
        advancePhase();
        return;
      }
      takeTrace(await api.step(state.session.id, 1));
      state.phase = -1;
      state.quiz = null;
      advancePhase();
    }),
  reveal: (text) => {
    const guess = parseNumber(text, 'your guess');
    if (!state.quiz || guess instanceof Error) return;
    state.quiz.guess = guess;
    state.phase = state.quiz.phaseIndex;
    render();
    $('next-phase').focus();
  },
  step: () =>
    guarded(async () => {
      stopPlaying();
      takeTrace(await api.step(state.session.id, 1));
      state.phase = LAST_PHASE;
      state.quiz = null;
    }),
  epoch: () =>
    guarded(async () => {
      stopPlaying();
      if (isTD(state.session.config)) {
        takeTrace(await api.stepToEpisodeEnd(state.session.id)); // TD mode: E plays out the episode
      } else {
        const size = state.data.s.length;
        takeTrace(await api.step(state.session.id, size - (state.counters.step % size)));
      }
      state.phase = LAST_PHASE;
      state.quiz = null;
    }),
  reset: (newSeed) =>
    guarded(async () => {
      stopPlaying();
      const seed = newSeed ? Math.floor(Math.random() * 2 ** 31) : undefined;
      adopt(await api.reset(state.session.id, seed));
    }),
  togglePlay: () => (state.play.playing ? stopPlaying() : startPlaying()),
  toggleLog: () => {
    state.chart.log = !state.chart.log;
    render();
  },
  toggleQuiz: () => {
    state.quizMode = !state.quizMode;
    state.quiz = null;
    render();
  },
  togglePresenter: () => {
    state.presenter = !state.presenter;
    render();
  },
  speed: (delta) => {
    const rates = [1, 2, 5, 10, 20, 30, 60];
    const i = Math.max(0, Math.min(rates.length - 1, rates.indexOf(state.play.rate) + delta));
    setSpeed(rates[i], state.play.stepsPerFrame);
  },
  gradcheck: () =>
    guarded(async () => {
      state.gradcheck = await api.gradcheck(state.session.id);
    }),
  handPreset: () =>
    guarded(async () => {
      stopPlaying();
      await createSession(HAND_PRESET);
    }),
};

/**
 * An edit by hand: the server's 422 message comes back for the editor to show
 * beside what was typed (null when it went through); other errors are handled
 * as for any action.
 */
async function edit(change) {
  try {
    await change();
    return null;
  } catch (err) {
    if (err instanceof ApiError && err.status === 422) return err.message;
    await handleError(err);
    render();
    return null;
  }
}

function setWeight(name, a, b, value) {
  const W = (name === 'A' ? state.A : state.B).map((row) => row.slice());
  W[a][b] = value;
  return edit(async () => adoptWeights(await api.setWeights(state.session.id, { [name]: W })));
}

function setSample(index, s, y) {
  return edit(async () => {
    const body = await api.setSample(state.session.id, { index, s, y });
    state.data = body.config.data;
    state.session.config = body.config;
    state.dataVersion += 1;
    adoptWeights(body);
  });
}

/** New weights from the server: the run goes on from them, at the same step. */
function adoptWeights(body) {
  state.A = body.state.A;
  state.B = body.state.B;
  state.trace = null;
  state.phase = -1;
  state.gradcheck = null;
  setCounters(body.state);
  refreshFit();
  refreshValues();
  render();
}

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
  state.quiz = null;
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
  await guarded(async () => {
    try {
      await createSession(config);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 422) throw err;
      // The old session keeps working; the message goes beside the field.
      const field = (err.body.detail && err.body.detail[0] && err.body.detail[0].field) || changed;
      state.fieldErrors = { [formFieldFor(field) || changed]: err.message };
    }
  });
}

// ------------------------------------------------------------------ share and export

/** The link to this run: its settings and step, or its current weights when asked. */
function currentLink() {
  return linkToRun(`${location.origin}${location.pathname}`, state);
}

const exporters = {
  link: async () => {
    const link = currentLink();
    $('share-link').value = link;
    try {
      await navigator.clipboard.writeText(link);
      state.notice = 'Link copied: opening it reproduces this run.';
    } catch (err) {
      $('share-link').select();
      state.notice = 'Copy the selected link (the browser did not allow copying here).';
    }
    render();
  },
  session: () =>
    guarded(async () => {
      downloadJSON(`backprop-session-step${state.counters.step}.json`, await api.exportSession(state.session.id));
    }),
  importFile: (file) =>
    guarded(async () => {
      let doc;
      try {
        doc = JSON.parse(await file.text());
      } catch (err) {
        throw new ApiError(422, { message: `${file.name} is not a JSON document` });
      }
      stopPlaying();
      const body = await api.importSession(doc);
      if (state.session) api.remove(state.session.id).catch(() => {});
      adopt(body);
      state.notice = `Opened ${file.name}: the run continues from step ${body.state.step}.`;
    }),
  csv: () => download('loss-history.csv', new Blob([lossCSV(state.chart)], { type: 'text/csv' })),
  svg: () => download('network.svg', new Blob([svgDocument($('network-svg'))], { type: 'image/svg+xml' })),
  png: async () => {
    const svg = $('network-svg');
    const box = svg.viewBox.baseVal;
    download('network.png', await svgToPng(svgDocument(svg), box.width, box.height));
  },
  chart: async () => download('loss-chart.png', await canvasToPng($('loss-chart').querySelector('canvas'))),
};

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
  q: actions.toggleQuiz,
  f: actions.togglePresenter,
  g: actions.gradcheck,
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
  const click = {
    'next-phase': actions.nextPhase,
    step: actions.step,
    epoch: actions.epoch,
    play: actions.togglePlay,
    reset: () => actions.reset(false),
    'reset-seed': () => actions.reset(true),
    'quiz-toggle': actions.toggleQuiz,
    'presenter-toggle': actions.togglePresenter,
    'gradcheck-run': actions.gradcheck,
    'hand-preset': actions.handPreset,
    'copy-link': exporters.link,
    'export-session': exporters.session,
    'export-csv': exporters.csv,
    'export-svg': exporters.svg,
    'export-png': exporters.png,
    'export-chart': exporters.chart,
  };
  for (const [id, handler] of Object.entries(click)) $(id).addEventListener('click', handler);
  $('import-session').addEventListener('change', (e) => {
    if (e.target.files.length) exporters.importFile(e.target.files[0]);
    e.target.value = '';
  });
  $('log-scale').addEventListener('change', actions.toggleLog);
  $('link-weights').addEventListener('change', (e) => {
    state.linkWeights = e.target.checked;
    render();
  });
  $('rate').addEventListener('change', (e) => setSpeed(Number(e.target.value), state.play.stepsPerFrame));
  $('steps-per-frame').addEventListener('change', (e) => setSpeed(state.play.rate, Number(e.target.value)));
  document.addEventListener('keydown', onKey);
  window.addEventListener('pagehide', stopPlaying);
}

/** Open the run a link describes: create its session, then replay its steps. */
async function openLink(link) {
  await createSession(link.config);
  if (link.step > 0) takeTrace(await api.step(state.session.id, link.step));
  if (link.step > 0) state.phase = LAST_PHASE;
}

async function boot() {
  wire();
  try {
    state.datasets = await api.datasets();
    render(); // the settings form lists the data sets before it is read
    api.source().then((source) => {
      state.source = source;
      render();
    }, () => {});
    let link = null;
    try {
      link = readLink(location.search);
    } catch (err) {
      state.notice = `This link cannot be opened: ${err.message}.`;
    }
    if (link) await openLink(link).catch(async (err) => {
      state.notice = `This link cannot be opened: ${err.message}`;
      render(); // the form shows what of the link was taken, and that is what starts
      await createSession(settings.read().config);
    });
    else await createSession(settings.read().config);
  } catch (err) {
    state.notice = err.message;
  }
  document.body.dataset.ready = 'true';
  render();
}

boot();
