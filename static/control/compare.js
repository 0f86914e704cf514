/**
 * @fileoverview Control mode's comparison: the course's tile coder on the same seed and the same
 * environment settings (agent, ε, γ) as the network on show, a second session of the server's,
 * driven to as many episodes as the network has finished, one call an episode as the page's E
 * key drives its own; its steps per episode join the episode chart and its cost to go the maps.
 * Asked again, it goes on from where it was to the network's count.  No diagram of its own.
 */

import { api } from '../api.js';
import { state } from '../state/store.js';
import { guarded } from './queue.js';
import { render } from './render.js';

/** The tile coder's config for the network's `config`: its seed and environment, the tile coder's defaults. */
export function tilesConfig(config) {
  const { name, agent, epsilon, gamma } = config.environment;
  return { seed: config.seed, environment: { name, features: 'tiles', agent, epsilon, gamma } };
}

/**
 * The replay lesson's switch (to `replay`) is about to make a new session: the run on show is kept
 * as "the run before", which the episode chart draws beside the new one (and beside it only).
 */
export function keepRunBefore(replay) {
  const steps = state.counters.episodeSteps || [];
  const was = state.session.config.environment.replay;
  state.runBefore = steps.length && state.session.id ? {
    of: null, pending: true, replay, label: was > 0 ? `replay ${was}` : 'no replay',
    epoch: state.counters.epoch, steps: [...steps],
  } : null;
}

/**
 * A session the page adopts: the run before belongs to the switch's new session (the first
 * adopted with the replay it switched to), stays with it when it is adopted again (a spotlight
 * ended), and goes with any other.
 */
export function claimRunBefore(body) {
  const e = state.runBefore;
  const env = body.config.environment;
  if (e && !e.pending && e.of === body.id) return;
  state.runBefore = e && e.pending && env && env.replay === e.replay ? { ...e, of: body.id, pending: false } : null;
}

/** The same run went on in a new session (an import): its comparison and the run before go with it. */
export function moveComparisons(from, to) {
  if (state.runBefore && state.runBefore.of === from) state.runBefore.of = to;
  if (state.compare && state.compare.of === from) state.compare.of = to;
}

export const compareWithTiles = () =>
  guarded(async () => {
    const of = state.session.id;
    let c = state.compare;
    if (!c || c.of !== of) {
      const body = await api.create(tilesConfig(state.session.config));
      c = { of, id: body.id, maxSteps: body.limits.max_steps, epoch: 0, steps: [], values: null, version: 0 };
      state.compare = c;
    }
    const target = state.counters.epoch;
    while (c.epoch < target) {
      const body = await api.stepToEpisodeEnd(c.id, c.maxSteps);
      c.epoch = body.state.epoch;
      c.steps = body.state.episode_steps;
      if (state.compare !== c) return; // the run on show changed meanwhile
      render();
    }
    c.values = await api.values(c.id);
    c.version += 1;
    render();
  });
