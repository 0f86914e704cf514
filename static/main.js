/**
 * @fileoverview Wires the page: the views that render the one state object,
 * the buttons and keys that call the actions, and the start.  It decides
 * nothing itself.
 */

import { bootClassroom, classViews, holdQuestion } from './class/index.js';
import { actions } from './control/actions.js';
import { lowerAlpha } from './control/alpha.js';
import { boot } from './control/boot.js';
import { compareWithTiles, keepRunBefore } from './control/compare.js';
import { applyCsv, openCsv, setRole } from './control/csv.js';
import { bindDerivation, closeDerivation, follow, moveLine } from './control/derive.js';
import { applySettings, setSample, setWeight } from './control/edits.js';
import { exporters } from './control/exports.js';
import { bindKeys } from './control/keys.js';
import { openLesson } from './control/lesson.js';
import { setSpeed, stopPlaying } from './control/player.js';
import { render, setRender } from './control/render.js';
import { byId as $ } from './lib/dom.js';
import { withOwnData } from './state/csv.js';
import { state } from './state/store.js';
import { CodeView } from './views/codepanel.js';
import { CsvPanel } from './views/csvpanel.js';
import { ControlsView } from './views/controls.js';
import { DeadNoteView } from './views/deadnote.js';
import { DerivationView } from './views/derivation.js';
import { SampleEditor } from './views/sampleeditor.js';
import { EquationsView } from './views/equations.js';
import { FitView } from './views/fitview.js';
import { LessonView } from './views/lesson.js';
import { GradcheckView } from './views/gradcheck.js';
import { LossChart } from './views/losschart.js';
import { MeterView } from './views/meter.js';
import { NetworkView } from './views/network.js';
import { PresenterView } from './views/presenter.js';
import { keptTextSize, setTextSize } from './control/textsize.js';
import { closeStops, loadLessons, moveStop, startLesson } from './control/stops.js';
import {
  editStop, exportLessonFile, lessonDocument, lessonLink, linkedLesson, openLessonDocument, openLessonFile, saveStop,
} from './control/lessonedit.js';
import { PseudoCodeView } from './views/pseudocode.js';
import { QuizView } from './views/quiz.js';
import { SettingsView } from './views/settings.js';
import { ShareLinkView } from './views/sharelink.js';
import { StatusView } from './views/status.js';
import { TDView } from './views/tdview.js';
import { TileDiagram } from './views/tilediagram.js';
import { ActionTags } from './views/actiontags.js';
import { CarView } from './views/carview.js';
import { CostMaps } from './views/costmaps.js';
import { EpisodeChart } from './views/episodechart.js';
import { ReplayLesson } from './views/replaylesson.js';
import { TransitionStrip } from './views/transitionstrip.js';
import { ToolbarView } from './views/toolbar.js';
import { UnitPictures } from './views/unitpictures.js';
import { ValuePlot } from './views/valueplot.js';
import { WeightEditor } from './views/weighteditor.js';
import { WorkView } from './views/work.js';

const weightEditor = new WeightEditor().init($('weight-editor'), setWeight);
const settings = new SettingsView().init($('settings'), (changed) =>
  applySettings(withOwnData(settings.read(), state.session, changed), changed));

// In drawing order: presenter mode first (it sets the type size others measure), the bars last.
const lessonView = new LessonView().init($('lesson-banner'), $('lesson-panel'));
const views = [
  new PresenterView().init(document.body, $('text-size')),
  new ToolbarView().init(document.body, $('settings-open')),
  new NetworkView().init($('network'), $('tooltip'), (cell, ch) => weightEditor.open(cell, state, ch)),
  new TileDiagram().init($('network')),
  new UnitPictures().init($('network')),
  new ActionTags().init($('network')),
  new DerivationView().init($('derivation-panel'), { prev: () => moveLine(-1), next: () => moveLine(1), close: closeDerivation }),
  new EquationsView().init($('equations'), $('equations-heading')),
  new PseudoCodeView().init($('pseudocode')),
  new LossChart().init($('loss-chart')),
  settings,
  new QuizView().init($('quiz'), actions.reveal),
  new FitView().init($('fit-canvas'), $('fit-caption')),
  new GradcheckView().init($('gradcheck'), $('gradcheck-summary')),
  new MeterView().init($('meter')),
  new SampleEditor().init($('sample-editor'), setSample),
  new CodeView().init($('code'), $('code-caption')),
  new TDView().init($('td-walk'), $('td-caption')),
  new ValuePlot().init($('value-plot'), $('value-caption')),
  new CarView().init($('car-hill'), $('car-words')),
  new TransitionStrip().init($('transition-strip'), $('transition-caption')),
  new CostMaps().init($('cost-maps'), $('maps-caption')),
  new EpisodeChart().init($('episode-chart'), $('episode-caption'), $('compare-tiles'), $('compare-caption')),
  new ReplayLesson().init($('replay-text'), $('replay-toggle'), (replay) => {
    stopPlaying(); // the frames still waiting are taken first: their episodes are the run's
    keepRunBefore(replay);
    settings.change('replay', replay);
  }),
  new CsvPanel().init($('csv-panel'), { file: openCsv, role: setRole, apply: () => applyCsv(() => settings.read()) }),
  lessonView,
  new StatusView().init(document.body),
  new ControlsView().init(setSpeed),
  new WorkView().init($('work')),
  new DeadNoteView().init($('dead-note')),
  new ShareLinkView().init($('share-link'), $('link-weights'), (checked) => {
    state.linkWeights = checked;
    render();
  }),
  ...classViews(),
];

setRender(() => {
  follow();
  holdQuestion(state); // a class's open question: no phase that computes its answer is drawn
  for (const view of views) view.render(state);
});

const CLICKS = {
  'next-phase': actions.nextPhase,
  step: actions.step,
  epoch: actions.epoch,
  'stop-work': actions.stopWork,
  play: actions.togglePlay,
  reset: () => actions.reset(false),
  'reset-seed': () => actions.reset(true),
  'quiz-toggle': actions.toggleQuiz,
  'presenter-toggle': actions.togglePresenter,
  'settings-open': actions.toggleSettings,
  'settings-close': actions.toggleSettings,
  'lesson-start': () => startLesson($('lesson-pick').value),
  'stop-prev': () => moveStop(-1),
  'stop-next': () => moveStop(1),
  'stop-close': closeStops,
  'stop-save': () => saveStop($('stop-title').value, lessonView.read()),
  'draft-open': () => lessonDocument() && openLessonDocument(lessonDocument()),
  'draft-file': exportLessonFile,
  'draft-link': () => lessonView.showLink(lessonLink()),
  'gradcheck-run': actions.gradcheck,
  'hand-preset': actions.handPreset,
  'lower-alpha': lowerAlpha,
  'diverged-close': actions.closeDiverged,
  'compare-tiles': compareWithTiles,
  'copy-link': exporters.link,
  'export-session': exporters.session,
  'export-csv': exporters.csv,
  'export-svg': exporters.svg,
  'export-png': exporters.png,
  'export-chart': exporters.chart,
};
for (const [id, handler] of Object.entries(CLICKS)) $(id).addEventListener('click', handler);
$('import-session').addEventListener('change', (e) => {
  if (e.target.files.length) exporters.importFile(e.target.files[0]);
  e.target.value = '';
});
$('log-scale').addEventListener('change', actions.toggleLog);
$('draft-stops').addEventListener('click', (e) => {
  const button = e.target.closest('button[data-stop]');
  if (button) editStop(Number(button.dataset.stop), button.dataset.move === 'delete' ? null : Number(button.dataset.move));
});
$('lesson-file').addEventListener('change', async (e) => {
  const file = e.target.files[0];
  e.target.value = '';
  if (file) openLessonFile(file);
});
$('text-size').addEventListener('change', (e) => setTextSize(e.target.value));
state.textSize = keptTextSize();
bindKeys();
bindDerivation(weightEditor);
window.addEventListener('pagehide', stopPlaying);

loadLessons();
bootClassroom(async () => {
  openLesson(location.search);
  await boot(() => settings.read().config);
  const linked = linkedLesson(location.hash); // a lesson's link: checked by the server, then opened solo
  if (linked) await openLessonDocument(linked);
});
