import {
  awsFaultAnswer,
  type CallInfo,
  githubRateLimited,
  githubServerError,
  plainServerError,
  slackRateLimited,
} from './faultAnswers';
import type { Fault } from './faultProxy';
import type { Dependency } from './faultSpec';

/** A random number in [0, 1); tests pass a scripted one. */
export type Pick = () => number;

/** How a fault, once it strikes, is split between its kinds (ADR 0017). */
type Shape = 'throttle' | 'server' | 'reset' | 'timeout';

const SHAPES: Record<Dependency, [Shape, number][]> = {
  aws: [
    ['throttle', 0.4],
    ['server', 0.3],
    ['reset', 0.2],
    ['timeout', 0.1],
  ],
  github: [
    ['throttle', 0.35],
    ['server', 0.35],
    ['reset', 0.2],
    ['timeout', 0.1],
  ],
  slack: [
    ['throttle', 0.35],
    ['server', 0.35],
    ['reset', 0.2],
    ['timeout', 0.1],
  ],
  instance: [
    ['server', 0.5],
    ['reset', 0.35],
    ['timeout', 0.15],
  ],
};

const shapeOf = (dependency: Dependency, pick: Pick): Shape => {
  let roll = pick();
  for (const [shape, weight] of SHAPES[dependency]) {
    if (roll < weight) return shape;
    roll -= weight;
  }
  return 'reset';
};

const serverStatus = (pick: Pick): 500 | 502 | 503 =>
  ([500, 502, 503] as const)[Math.floor(pick() * 3)] ?? 500;

const answerFor = (
  dependency: Dependency,
  throttle: boolean,
  call: CallInfo,
  pick: Pick,
  retryAfter: number,
): Fault => {
  if (dependency === 'aws') {
    const answer = awsFaultAnswer(call, throttle, pick);
    return answer ? { kind: 'answer', answer } : { kind: 'reset' };
  }
  if (dependency === 'github')
    return {
      kind: 'answer',
      answer: throttle
        ? githubRateLimited(Math.floor(Date.now() / 1000), retryAfter)
        : githubServerError(serverStatus(pick)),
    };
  if (dependency === 'slack')
    return {
      kind: 'answer',
      answer: throttle ? slackRateLimited(retryAfter) : plainServerError(serverStatus(pick)),
    };
  return { kind: 'answer', answer: plainServerError(pick() < 0.5 ? 502 : 503) };
};

/** With probability `rate`, a fault of the dependency's kinds; otherwise undefined (forward it). */
export const chooseFault = (
  dependency: Dependency,
  rate: number,
  call: CallInfo,
  pick: Pick = Math.random,
  retryAfterSeconds = 1,
): Fault | undefined => {
  if (rate <= 0 || pick() >= rate) return undefined;
  const shape = shapeOf(dependency, pick);
  if (shape === 'reset' || shape === 'timeout') return { kind: shape };
  return answerFor(dependency, shape === 'throttle', call, pick, retryAfterSeconds);
};
