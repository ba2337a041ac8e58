import type { Socket } from 'node:net';
import type { AfterForward } from './faultProxy';
import type { Dependency } from './faultSpec';
import { deployIdOf } from './faultSubject';
import { findSocketOwner, type SocketOwner } from './socketOwner';

/**
 * Kills a function's worker at a chosen moment, from outside it: when a matching call has reached
 * its dependency and been answered, the layer finds the worker that sent it (socketOwner.ts),
 * SIGKILLs it and drops the answer. The runner sees the worker die as Lambda would a crashed
 * sandbox, and the queue redelivers the batch.
 */
export interface CrashRule {
  /** The moment this plays, e.g. "between RunInstances and the record update". */
  moment: string;
  dependency: Dependency;
  operation: RegExp;
  /** Only workers of functions whose name matches. */
  functionName: RegExp;
  probability: number;
}

export interface Crash {
  moment: string;
  functionName: string;
  operation: string;
  /** The deployment the killed call was about, when the request names it. */
  deployId?: string;
  pid: number;
  at: string;
}

export interface CrashPlan {
  rules: CrashRule[];
  /** At most this many crashes in all. */
  budget: number;
}

/** The moments issue 17 names, against this system's functions. */
export const CHAOS_CRASHES: CrashRule[] = [
  {
    moment: 'between RunInstances and the record update',
    dependency: 'aws',
    operation: /^RunInstances$/,
    functionName: /provision/,
    probability: 0.3,
  },
  {
    moment: 'between publish and SQS delete',
    dependency: 'aws',
    operation: /^AWSEvents\.PutEvents$/,
    functionName: /resolver|provision|reaper/,
    probability: 0.1,
  },
  {
    moment: 'mid-batch',
    dependency: 'aws',
    operation: /^DynamoDB_20120810\.(UpdateItem|PutItem)$/,
    functionName: /notifier|reaper|resolver/,
    probability: 0.04,
  },
  {
    moment: 'during the phone-home',
    dependency: 'aws',
    operation: /^DynamoDB_20120810\.UpdateItem$/,
    functionName: /phoneHome|phone-home/i,
    probability: 0.3,
  },
];

export type Kill = (owner: SocketOwner) => void;

const sigkill: Kill = (owner) => {
  try {
    process.kill(owner.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
};

export const createCrashHook = (
  dependency: Dependency,
  plan: CrashPlan,
  serverPort: number,
  record: (crash: Crash) => void,
  options: { pick?: () => number; ownerOf?: (socket: Socket) => SocketOwner | undefined; kill?: Kill } = {},
): AfterForward => {
  const pick = options.pick ?? Math.random;
  const ownerOf =
    options.ownerOf ??
    ((socket) => (socket.remotePort ? findSocketOwner(socket.remotePort, serverPort) : undefined));
  const kill = options.kill ?? sigkill;
  let used = 0;
  return async (call, socket) => {
    if (used >= plan.budget) return false;
    const rules = plan.rules.filter((r) => r.dependency === dependency && r.operation.test(call.operation));
    if (rules.length === 0) return false;
    const owner = ownerOf(socket);
    const name = owner?.functionName;
    const rule = name ? rules.find((r) => r.functionName.test(name)) : undefined;
    if (!owner || !name || !rule || pick() >= rule.probability || used >= plan.budget) return false;
    used += 1;
    kill(owner);
    const deployId = deployIdOf(call);
    record({
      moment: rule.moment,
      functionName: name,
      operation: call.operation,
      ...(deployId ? { deployId } : {}),
      pid: owner.pid,
      at: new Date().toISOString(),
    });
    return true;
  };
};
