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
