/**
 * @fileoverview The page's one state object.  Every view renders from it
 * alone; only the actions in control/ change it.
 */

/** A fresh state object. */
export function initialState() {
  return {
    datasets: [],
    data: null, // D of the session: {s: [[…]], y: [[…]]}
    session: null, // {id, config} as the server answered
    draft: null, // the config the first session is asked for with: the diagram draws its shape meanwhile
    limits: null, // {max_steps}: what one call may ask of this session, from its last answer
    A: null, // current weights (after the last step)
    B: null,
    trace: null, // the last step's trace, completed by completeTrace
    phase: -1, // index into PHASES of what is shown; -1 = before the first step
    counters: { step: 0, epoch: 0, datasetLoss: null, nextIndex: 0 },
    diverged: null, // {message, advice} after a refused step
    notice: null, // a line of news for the learner (e.g. a restarted session)
    fieldErrors: {}, // settings field -> the server's message
    chart: { step: [], sample: [], mean: [], meanStep: [], log: false },
    play: { playing: false, rate: 20, stepsPerFrame: 1, retries: 0 }, // retries: reopens since the stream was lost
    quizMode: false,
    quiz: null, // the question waiting for a guess, or answered: {phaseIndex, label, value, guess}
    presenter: false,
    textSize: 1, // the page's text size on show (control/textsize.js)
    settingsOpen: false, // the settings beside the diagram, from the top bar's Settings
    linkWeights: false, // does the share link carry the current weights?
    fit: null, // {grid, y_hat, version}: ŷ over the input space, from predict
    gradcheck: null, // the server's last gradient check
    source: null, // the core's source for one step, with the lines of each phase
    dataVersion: 0, // bumped whenever D changes (a new session, an edited sample)
    work: null, // the job of several calls under way: see state/work.js
    classroom: null, // the class this page teaches or follows: see class/classstate.js
    compare: null, // control mode: the tile coder beside the network, {of, id, epoch, steps, values}; control/compare.js
    runBefore: null, // control mode: the run before the replay lesson's switch, {of, replay, label, epoch, steps}; control/compare.js
    values: null, // TD mode: {v_hat, v_true, rmsve, step} of every state, from the values endpoint
    derivation: null, // the weight being derived: {name, a, b, line, check, error}; see state/derivation.js
    preview: null, // before a step: the next step's forward pass (psi, x, theta, y_hat, loss), from a weight check
    pictures: null, // {grid, x, y_hat, version}: every unit over the input space, from one predict with units
    csv: null, // a CSV file of one's own: {name, table, roles, error, applied}; see state/csv.js
    lesson: null, // from a lesson link or a lesson's stop: {note, hide: [names], stop?}; see state/lesson.js
    stops: null, // a lesson paced on this page: {doc, index} (control/stops.js)
    lessonList: [], // the built-in lessons, [{name, title, stops}]
    draftLesson: null, // a lesson made on this page (control/lessonedit.js)
  };
}

/** The state the page runs on. */
export const state = initialState();
