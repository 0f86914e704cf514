/**
 * @fileoverview TD mode's helpers over the state: is this session a walk, a
 * state's features, the sample before the first step, and the number the
 * loss chart plots; and whether a session learns from episodes at all.
 */

/** Does this session learn a walk's values (TD mode)? */
export function isTD(config) {
  return Boolean(config && config.environment && config.environment.name !== 'mountain_car');
}

/** Does this session learn from episodes (TD mode or control mode), not from a data set? */
export function isEpisodic(config) {
  return Boolean(config && config.environment);
}

/** The one feature that is 1 for a state: the state itself, or its group. */
export function featureIndex(env, state) {
  return env.features === 'aggregate' ? Math.floor((state * env.groups) / env.states) : state;
}

/** s for a state as the network sees it, the bias 1 last when bias is on. */
export function featuresOf(config, state) {
  const s = new Array(config.n_s).fill(0);
  s[featureIndex(config.environment, state)] = 1;
  if (config.bias) s.push(1);
  return s;
}

/** The next step's sample before it is taken: s is known, y is not (the move is not drawn yet). */
export function nextTDSample(state) {
  const i = state.counters.nextIndex;
  return { index: i, s: featuresOf(state.session.config, i), y: [NaN] };
}

/** The number the loss chart plots for a state: the RMS value error in TD mode, else the mean loss over D. */
export function chartValue(serverState) {
  return serverState.rmsve !== undefined && serverState.rmsve !== null ? serverState.rmsve : serverState.dataset_loss;
}
