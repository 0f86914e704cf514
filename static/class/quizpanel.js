/**
 * @fileoverview The class quiz.  The teacher picks an entry of the step on
 * show and asks; the projector shows how many answered and the histogram of
 * their answers, then the true value on it.  A student answers in a box of
 * their own and, after the reveal, reads how close they were.
 */

import { byId, richText, svgEl } from '../lib/dom.js';
import { count, fmt } from '../lib/format.js';
import { parseNumber, toggleSign } from '../lib/parse.js';
import { verdict } from '../views/quiz.js';
import { isFollowing, isTeacher, quizEntries, quizLabel } from './classstate.js';
import { putProp, putRich, putText } from './put.js';

/** A label as an option's plain text: δ^{B}_{1} as δB_1. */
const plain = (label) => label.replace(/\^\{([^}]*)\}/g, '$1').replace(/_\{([^}]*)\}/g, '_$1');

// The drawing's sizes, in its own units: `pad` the room at the sides and for the axis's labels,
// `top` a title's row, `room` the counts' row over the tallest bar.
const ONE = { w: 420, h: 150, pad: 22, top: 0, room: 0 }; // one round, in the loss chart's place
// One of two rounds, side by side at the reveal: each as tall as one round alone, its type
// larger in its units (.class-round text), to be read from the back at 1280×720.
const BAND = { w: 300, h: 220, pad: 28, top: 30, room: 26 };
const GAP = 24;

/** Bars of `histogram` ({edges, counts}) with the true value `truth` drawn on it when known. */
function drawHistogram(svg, histogram, truth, g = ONE) {
  svg.replaceChildren();
  const { edges, counts } = histogram || { edges: [], counts: [] };
  if (!counts.length) return;
  const { w, h, pad, top } = g;
  const low = edges[0];
  const high = edges[edges.length - 1];
  const x = (v) => pad + ((v - low) / (high - low || 1)) * (w - 2 * pad);
  const most = Math.max(...counts, 1);
  counts.forEach((n, i) => {
    const bh = (n / most) * (h - 2 * pad - top - g.room);
    const bar = svgEl('rect', { x: x(edges[i]) + 1, y: h - pad - bh, width: Math.max(1, x(edges[i + 1]) - x(edges[i]) - 2), height: bh, class: 'class-bar' }, svg);
    bar.dataset.count = String(n);
    if (n) svgEl('text', { x: (x(edges[i]) + x(edges[i + 1])) / 2, y: h - pad - bh - 4, 'text-anchor': 'middle' }, svg).textContent = String(n);
  });
  svgEl('line', { x1: pad, x2: w - pad, y1: h - pad, y2: h - pad, class: 'class-axis' }, svg);
  svgEl('text', { x: pad, y: h - 4, 'text-anchor': 'start', class: 'class-edge' }, svg).textContent = fmt(low);
  svgEl('text', { x: w - pad, y: h - 4, 'text-anchor': 'end', class: 'class-edge' }, svg).textContent = fmt(high);
  if (truth !== null && truth !== undefined) {
    const at = x(truth);
    svgEl('line', { x1: at, x2: at, y1: top + pad / 2, y2: h - pad, class: 'class-truth', id: 'class-truth' }, svg);
    const anchor = at > w * 0.75 ? 'end' : at < w * 0.25 ? 'start' : 'middle'; // the label stays inside
    svgEl('text', { x: at, y: top + pad / 2, 'text-anchor': anchor, class: 'class-truth-label' }, svg).textContent = `true ${fmt(truth)}`;
  }
}

/** The rounds' histograms side by side, each titled, in one drawing. */
function drawRounds(svg, histograms, truth) {
  if (histograms.length === 1) {
    svg.setAttribute('viewBox', `0 0 ${ONE.w} ${ONE.h}`);
    drawHistogram(svg, histograms[0], truth);
    return;
  }
  const n = histograms.length;
  svg.setAttribute('viewBox', `0 0 ${n * BAND.w + (n - 1) * GAP} ${BAND.h}`);
  svg.replaceChildren();
  histograms.forEach((histogram, i) => {
    const band = svgEl('svg', { x: i * (BAND.w + GAP), y: 0, width: BAND.w, height: BAND.h, viewBox: `0 0 ${BAND.w} ${BAND.h}`, class: 'class-round', 'data-round': String(i + 1) }, svg);
    drawHistogram(band, histogram, truth, BAND);
    svgEl('text', { x: BAND.pad, y: BAND.top - 8, 'text-anchor': 'start', class: 'class-round-label' }, band).textContent = `round ${i + 1}`;
  });
  for (const extra of [...svg.querySelectorAll('#class-truth')].slice(1)) extra.removeAttribute('id');
}

/** The two or three likely mistakes most of the class made, commonest first, as the projector says them. */
function commonest(mistakes) {
  return (mistakes || []).filter((m) => m.count > 0).sort((a, b) => b.count - a.count).slice(0, 3)
    .map((m) => `${count(m.count)} ${m.label}`);
}

/** How the class moved between rounds: how many answered right in each. */
function moved(rounds) {
  if (!rounds.length || rounds.some((r) => r.correct === undefined)) return ''; // the reveal's roster is on its way
  const said = rounds.map((r, i) => `round ${i + 1}: ${count(r.correct)} of ${count(r.answered)} right`);
  return `${said.join(' → ')}.`;
}

export class QuizPanelView {
  /** @param {{ask, revote, reveal, answer}} on  ask(quiz), revote(), reveal(), answer(a number, or an Error saying what was typed wrong) */
  init(on) {
    const $ = byId;
    this.teacher = $('class-quiz');
    this.student = $('class-answer');
    this.entry = $('class-quiz-entry');
    this.histogram = $('class-histogram');
    if (!this.teacher || !this.student || !this.entry || !this.histogram) throw new Error('QuizPanelView needs #class-quiz and #class-answer');
    this.histogram.setAttribute('viewBox', `0 0 ${ONE.w} ${ONE.h}`);
    this.entries = [];
    this.teacher.addEventListener('submit', (e) => {
      e.preventDefault();
      const picked = this.entries[this.entry.selectedIndex];
      if (picked) on.ask({ target: picked.target, index: picked.index });
    });
    $('class-reveal').addEventListener('click', on.reveal);
    $('class-revote').addEventListener('click', on.revote);
    this.student.addEventListener('submit', (e) => {
      e.preventDefault();
      on.answer(parseNumber($('class-answer-value').value, 'your answer'));
    });
    this.sign = this.student.querySelector('[data-sign-toggle]');
    if (!this.sign) throw new Error('QuizPanelView needs the ± key, [data-sign-toggle], in #class-answer');
    // mousedown's default would take the focus, and with it a phone's keyboard, from the field
    this.sign.addEventListener('mousedown', (e) => e.preventDefault());
    this.sign.addEventListener('click', () => {
      const field = $('class-answer-value');
      field.value = toggleSign(field.value);
    });
    this.asked = null;
    return this;
  }

  render(state) {
    this.renderTeacher(state);
    this.renderStudent(state);
  }

  renderTeacher(state) {
    const $ = byId;
    const c = state.classroom;
    putProp(this.teacher, 'hidden', !isTeacher(state));
    // The answers take the loss chart's place while a question of the teacher's class is open.
    putProp($('class-quiz-results'), 'hidden', this.teacher.hidden || !c.quiz);
    if (this.teacher.hidden) return;
    const entries = quizEntries(state.trace);
    const key = entries.map((e) => `${e.label}${e.note}`).join('|');
    if (key !== this.entriesKey) {
      const before = this.entry.selectedIndex;
      this.entry.replaceChildren(...entries.map((e) => new Option(plain(e.label) + (e.note ? ` (${e.note})` : ''), e.label)));
      this.entry.selectedIndex = Math.min(Math.max(before, 0), entries.length - 1);
      this.entries = entries;
      this.entriesKey = key;
    }
    const q = c.quiz;
    putProp($('class-ask'), 'disabled', !entries.length);
    putProp($('class-reveal'), 'disabled', !q || q.revealed || !state.trace);
    putProp($('class-revote'), 'disabled', !q || q.revealed || (q.round || 1) >= 2);
    const roster = c.roster || { answered: 0, joined: 0, histogram: null };
    if (!q) {
      putRich('class-quiz-status', entries.length ? 'Ask the class for a value of this step.' : 'Take a step to ask the class about it.');
      return;
    }
    const round = q.round || 1;
    putRich('class-quiz-status', `Asked: ${quizLabel(q)}${round > 1 ? ', round 2' : ''}. ${count(roster.answered)} of ${count(roster.joined)} answered.`);
    putText('class-answered', String(roster.answered));
    putText('class-answered-word', roster.answered === 1 ? 'answer' : 'answers');
    // Round by round once revealed (the bars shared, so the class's move reads at a glance); else the round open.
    const rounds = q.revealed && roster.rounds && roster.rounds.length > 1 ? roster.rounds : [{ histogram: roster.histogram }];
    const drawing = JSON.stringify([rounds.map((r) => r.histogram), q.revealed && q.value]);
    if (drawing !== this.drawn) {
      drawRounds(this.histogram, rounds.map((r) => r.histogram), q.revealed ? q.value : null);
      $('class-quiz-results').dataset.rounds = String(rounds.length); // two: laid out for both (room.css)
      this.drawn = drawing;
    }
    putText('class-quiz-truth', q.revealed ? `The true value: ${fmt(q.value)}` : '');
    putProp($('class-quiz-truth-sep'), 'hidden', !q.revealed);
    putText('class-rounds', q.revealed && roster.rounds ? moved(roster.rounds) : '');
    const said = q.revealed ? commonest(roster.mistakes) : [];
    if (said.join('|') !== this.saidMistakes) {
      this.saidMistakes = said.join('|');
      $('class-mistakes').replaceChildren(...said.map((text) => {
        const li = document.createElement('li');
        richText(li, text);
        return li;
      }));
    }
  }

  renderStudent(state) {
    const $ = byId;
    const c = state.classroom;
    const q = c && c.role === 'student' && !c.ended ? c.quiz : null;
    putProp(this.student, 'hidden', !q);
    if (!q) return;
    const asked = `${q.target}${q.index}/${q.round || 1}`;
    if (this.asked !== asked) {
      const again = (q.round || 1) > 1 ? 'Round 2: discuss with your neighbour, then answer again. ' : '';
      putRich('class-answer-prompt', `${again}Class question: what is ${quizLabel(q)} of this step?`);
      $('class-answer-value').value = c.answer === null || c.answer === undefined ? '' : String(c.answer);
      this.asked = asked;
    }
    putProp($('class-answer-value'), 'disabled', q.revealed);
    putProp($('class-answer-send'), 'disabled', q.revealed);
    putProp(this.sign, 'disabled', q.revealed);
    const sent = c.answer === null || c.answer === undefined ? 'Not answered yet.' : `Sent: ${fmt(c.answer)}${q.revealed ? '' : ' (you may change it until the reveal)'}.`;
    putText('class-answer-status', c.error ? c.error : sent);
    const refused = String(Boolean(c.error));
    if ($('class-answer-status').dataset.refused !== refused) $('class-answer-status').dataset.refused = refused;
    let result = '';
    if (q.revealed) {
      const mine = c.result ? c.result.answer : c.answer;
      result = mine === null || mine === undefined ? `The true value: ${fmt(q.value)}. You did not answer.` : verdict(mine, q.value);
      const slip = c.result && c.result.mistake; // told to this student alone
      if (slip) result += ` Yours looks like a common slip: you ${slip.label}.`;
    }
    putRich('class-result', result);
    if (this.student.dataset.following !== String(isFollowing(state))) this.student.dataset.following = String(isFollowing(state));
  }
}
