/**
 * @fileoverview The derivation of one weight's gradient and the pictures of
 * the units: which weight is derived and which line is on show, and the
 * requests that keep them (and the forward pass shown before a step) at the
 * point of the next step.  `follow` runs before every redraw and asks again
 * only when that point moved: at most four times a second, and the pictures
 * twice a second while playing.
 */

import { unitApi } from '../api.js';
import { byId } from '../lib/dom.js';
import { latestOnly } from '../lib/latest.js';
import { isTiles } from '../state/control.js';
import { derivationLines, newDerivation, weightName } from '../state/derivation.js';
import { state } from '../state/store.js';
import { unitGrid } from '../state/unitgrid.js';
import { render, renderNow } from './render.js';

const GAP_MS = 250; // at most four refreshes a second of each kind
// While playing, the pictures (an image a unit, drawn, encoded and decoded) twice a second.
const PLAYING_PICTURES_MS = 500;

/** Where the next step starts from: the session, its step, its data and its weights. */
function pointOf() {
  if (!state.session || !state.session.id || !state.A) return null; // a class follower has no session of its own
  return { id: state.session.id, step: state.counters.step, data: state.dataVersion, A: state.A, B: state.B };
}

function samePoint(p, q) {
  return Boolean(p && q) && p.id === q.id && p.step === q.step && p.data === q.data && p.A === q.A && p.B === q.B;
}

const refreshDerivation = latestOnly(async () => {
  const dv = state.derivation;
  const point = pointOf();
  if (!dv || !point) return;
  const weight = weightName(dv.name, dv.a, dv.b);
  try {
    const check = await unitApi.checkWeight(point.id, weight);
    if (state.derivation !== dv) return;
    dv.check = check;
    dv.point = point;
    dv.error = null;
    dv.lines = derivationLines(check, state.session.config, point.B);
    dv.line = Math.min(dv.line, dv.lines.length - 1);
  } catch (err) {
    if (state.derivation === dv) dv.error = err.message;
  }
  render();
}, GAP_MS);

const refreshPreview = latestOnly(async () => {
  const point = pointOf();
  // The tile coder has no derivation to ask for (q̂ = xB is linear in B, A has no weights).
  if (!point || state.trace || isTiles(state.session.config)) return;
  const check = await unitApi.checkWeight(point.id, 'B.0.0');
  if (!samePoint(point, pointOf())) return;
  state.preview = { ...check.trace, index: check.index, point };
  render();
}, GAP_MS);

const refreshPictures = latestOnly(async () => {
  const point = pointOf();
  const grid = point ? unitGrid(state.data, state.session.config.hidden) : null;
  if (!grid) {
    state.pictures = null;
    return;
  }
  const { x, y_hat } = await unitApi.predictUnits(point.id, grid.s);
  state.pictures = { grid, x, y_hat, point, version: (state.pictures ? state.pictures.version : 0) + 1 };
  render();
}, () => (state.play.playing ? PLAYING_PICTURES_MS : GAP_MS));

/** Before each redraw: ask again for what the point of the next step has left behind. */
export function follow() {
  const point = pointOf();
  if (!point) return;
  const dv = state.derivation;
  const W = dv && state[dv.name];
  if (dv && !(dv.a < W.length && dv.b < W[0].length)) state.derivation = null; // a network without that weight
  else if (dv && !samePoint(dv.point, point) && dv.asked !== point) {
    dv.asked = point;
    refreshDerivation();
  }
  if (!state.trace && !(state.preview && samePoint(state.preview.point, point))) {
    state.preview = null; // never the forward pass of another point
    if (!samePoint(askedPreview, point)) {
      askedPreview = point;
      refreshPreview();
    }
  }
  if (!(state.pictures && samePoint(state.pictures.point, point)) && !samePoint(askedPictures, point)) {
    askedPictures = point;
    refreshPictures();
  }
}
let askedPreview = null;
let askedPictures = null;

// What had the focus when the derivation opened: it gets it back when the panel closes.
let opener = null;

/** Derive the gradient of weight `name`[a][b] (0-based), from its first line. */
export function derive(name, a, b, from = document.activeElement) {
  opener = from;
  state.derivation = newDerivation(name, a, b);
  renderNow(); // the panel is measured and focused below
  const panel = byId('derivation-panel');
  if (panel) {
    // Beside the diagram on a wide screen; below it on a narrow one, brought into view.
    const top = panel.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight - 160) window.scrollBy(0, top - 120);
    panel.focus({ preventScroll: true }); // its buttons wait for the check; "." and "," work at once
  }
}

/** One line on (+1) or back (−1), within the derivation. */
export function moveLine(delta) {
  const dv = state.derivation;
  if (!dv || !dv.lines) return;
  dv.line = Math.max(0, Math.min(dv.lines.length - 1, dv.line + delta));
  render();
}

/** Close the panel; the focus, if it was in the panel, goes back to what opened it. */
export function closeDerivation() {
  const [back, panel, focused] = [opener, byId('derivation-panel'), document.activeElement];
  opener = null;
  state.derivation = null;
  render();
  const lost = focused === document.body || (panel && panel.contains(focused));
  if (lost && back && back.isConnected && back !== document.body) back.focus();
}

// "A2,1 = 0.25 (from …)": the edge's own label names its weight, 1-based.
const EDGE_LABEL = /^([AB])(\d+),(\d+) =/;

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target.closest && target.closest('input, select, textarea')) return;
  const edge = target.closest && target.closest('.edge');
  if ((event.key === 'd' || event.key === 'D') && edge) {
    const m = EDGE_LABEL.exec(edge.getAttribute('aria-label') || '');
    if (!m) return;
    event.preventDefault();
    derive(m[1], Number(m[2]) - 1, Number(m[3]) - 1);
  } else if ((event.key === '.' || event.key === ',') && state.derivation) {
    event.preventDefault();
    moveLine(event.key === '.' ? 1 : -1);
  } else if (event.key === 'Escape' && state.derivation && !state.work && !(target.closest && target.closest('form'))) {
    // Esc stops a job under way first (keys.js); in a form (the weight editor) it is the form's.
    event.preventDefault();
    closeDerivation();
  }
}

/** The derivation's keys (D on an edge, "," and ".", Esc), and the weight editor's Derive button. */
export function bindDerivation(weightEditor) {
  document.addEventListener('keydown', onKey);
  byId('weight-editor-derive').addEventListener('click', () => {
    const cell = weightEditor.cell;
    if (!cell) return;
    weightEditor.close();
    derive(cell.name, cell.a, cell.b, cell.g);
  });
}
