import { InvalidArgumentError } from 'commander';
import type { StackEndpoints } from '../stack/stateFile';
import { loadDemoRepository } from '../standins/githubDemo';
import { prClosedPayload, type SentWebhook, sendWebhook } from './githubWebhook';

export interface WebhookOptions {
  merged: boolean;
  number?: string;
  fork?: string;
  delivery?: string;
}

const prNumber = (value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('--number must be a pull request number');
  return n;
};

/** `branch-envs webhook pr-closed <branch>`: the demo pull request's close, signed, to the stack's route. */
export const runWebhook = async (
  endpoints: StackEndpoints,
  kind: string,
  branch: string,
  opts: WebhookOptions,
): Promise<SentWebhook> => {
  if (kind !== 'pr-closed')
    throw new InvalidArgumentError(`unknown webhook ${kind}: the one kind is pr-closed`);
  const payload = prClosedPayload(loadDemoRepository(), {
    branch,
    merged: opts.merged,
    number: prNumber(opts.number),
    fork: opts.fork,
  });
  return sendWebhook(`${endpoints.httpApiUrl}/github/webhook`, 'pull_request', payload, {
    deliveryId: opts.delivery,
  });
};
