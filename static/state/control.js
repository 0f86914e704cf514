/**
 * @fileoverview Control mode's helpers over the state: is this session Mountain Car, the
 * actions' names, the car's (p, v) as the network sees it, the next step's sample, the
 * target of a step with its parts, and the cost to go and the greedy action over (p, v)
 * from the values endpoint.  The car's ranges come from the server (state/vocabulary.js).
 */

import { CONSTANTS } from './vocabulary.js';

export const CAR = CONSTANTS.MOUNTAIN_CAR; // {POSITION, VELOCITY, GOAL, ACTIONS, AGENTS, MAX_STEPS}

// Actions 0, 1, 2: throttle a − 1, as the dynamics apply it (app/model/mountain_car.py).
export const ACTION_NAMES = ['←', '0', '→'];
export const ACTION_WORDS = ['throttle left (−1)', 'no throttle (0)', 'throttle right (+1)'];

/** Is this session Mountain Car's (control mode)? */
export function isControl(config) {
  return Boolean(config && config.environment && config.environment.name === 'mountain_car');
}

/** Is this session the course's tile coder (x from tiles of (p, v), A not learned)? */
export function isTiles(config) {
  return isControl(config) && config.environment.features === 'tiles';
}

/** The hill's height at p: the dynamics' pull −0.0025 cos 3p is its slope's. */
export function hill(p) {
  return Math.sin(3 * p);
}

/** (p, v) mapped onto [−1, 1] × [−1, 1], as the server scales the network's inputs. */
export function scaled(p, v) {
  const [p0, p1] = CAR.POSITION;
  const [v0, v1] = CAR.VELOCITY;
  return [(2 * (p - p0)) / (p1 - p0) - 1, (2 * (v - v0)) / (v1 - v0) - 1];
}

/** The next step's sample: s from where the car is (unknown before an episode's first step), y not known yet. */
export function nextControlSample(state) {
  const car = state.counters.car;
  const s = car ? [...scaled(car.p, car.v), 1] : [NaN, NaN, 1];
  return { index: state.counters.nextIndex, s, y: new Array(CAR.ACTIONS).fill(NaN) };
}

/** π(a | S′) of the ε-greedy policy on q: ε/3 each, the rest shared by the greedy actions. */
export function policy(q, epsilon) {
  const best = Math.max(...q);
  const ties = q.filter((v) => v === best).length;
  return q.map((v) => epsilon / q.length + (v === best ? (1 - epsilon) / ties : 0));
}

/**
 * The parts of a step's target for the action taken, {bootstrap, terms, value}: `bootstrap` the
 * number the agent takes from q̂(S′, ·) (null at the end), `terms` its sum written out.
 */
export function targetParts(trace, env) {
  const tr = trace.transition;
  const value = trace.y[tr.action];
  if (tr.terminal) return { bootstrap: null, value };
  const q = trace.q_next;
  if (env.agent === 'q_learning') return { bootstrap: Math.max(...q), value };
  if (env.agent === 'expected_sarsa') {
    const pi = policy(q, env.epsilon);
    return { bootstrap: pi.reduce((sum, p, a) => sum + p * q[a], 0), pi, value };
  }
  return { bootstrap: q[tr.next_action], value };
}

/** Each agent's name and its target, as the settings and the equations write them. */
export const AGENT_TARGETS = {
  sarsa: ['Sarsa', "R + \\gamma\\, \\hat{q}(S', A')"],
  q_learning: ['Q-learning', "R + \\gamma \\max_a \\hat{q}(S', a)"],
  expected_sarsa: ['Expected Sarsa', "R + \\gamma \\sum_a \\pi(a \\mid S')\\, \\hat{q}(S', a)"],
};

/** The cost to go −max_a q̂ and the greedy action of every point of the values' grid. */
export function costAndGreedy(values) {
  const cost = new Float64Array(values.q_hat.length);
  const greedy = new Uint8Array(values.q_hat.length);
  values.q_hat.forEach((q, i) => {
    let a = 0;
    for (let b = 1; b < q.length; b++) if (q[b] > q[a]) a = b;
    cost[i] = -q[a];
    greedy[i] = a;
  });
  return { cost, greedy };
}
