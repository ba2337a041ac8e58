import type { SlackMessage } from '../../src/domain/blocks';
import type {
  Acquired,
  FileUpload,
  GithubGateway,
  GithubStatus,
  MessageStore,
  NotifierPorts,
  ResponseUrlBody,
  SlackGateway,
  StateCommit,
  StoredMessage,
  Telemetry,
} from '../../src/domain/ports';
import { RESPONSE_URL_MAX_USES, type Thread } from '../../src/domain/routing';
import { HELSINKI_NIGHTLY } from './factories';

/**
 * In-memory stand-ins for the notifier's own ports, for unit tests of the use case. The DynamoDB
 * store itself is tested against moto (tests/integration); this one keeps the same rules.
 */
export const memoryStore = () => {
  const items = new Map<string, StoredMessage & { leaseBy?: string }>();
  const uses = new Map<string, number>();
  const store: MessageStore = {
    async get(deployId) {
      const item = items.get(deployId);
      return item ? { ...item } : undefined;
    },
    async acquire(deployId, rank, eventId): Promise<Acquired> {
      const item = items.get(deployId) ?? {};
      if (item.rank !== undefined && item.rank >= rank) return { kind: 'stale', record: { ...item } };
      if (item.leaseBy && item.leaseBy !== eventId) return { kind: 'busy' };
      items.set(deployId, { ...item, leaseBy: eventId });
      return { kind: 'acquired', record: { ...item } };
    },
    async commit(deployId, eventId, update: StateCommit) {
      const item = items.get(deployId) ?? {};
      if (item.leaseBy && item.leaseBy !== eventId) return false;
      const { facts, ...rest } = update;
      items.set(deployId, {
        ...item,
        ...facts,
        ...rest,
        thread: update.thread ?? item.thread,
        leaseBy: undefined,
      });
      return true;
    },
    async release(deployId, eventId) {
      const item = items.get(deployId);
      if (item?.leaseBy === eventId) items.set(deployId, { ...item, leaseBy: undefined });
    },
    async rememberThread(deployId, thread) {
      items.set(deployId, { ...(items.get(deployId) ?? {}), thread });
    },
    async recordNotice(deployId, { facts, warnedFor }) {
      const item = items.get(deployId) ?? {};
      items.set(deployId, { ...item, ...facts, warnedFor: warnedFor ?? item.warnedFor });
    },
    async rememberGithubDeployment(deployId, githubDeploymentId) {
      const item = items.get(deployId) ?? {};
      items.set(deployId, { ...item, githubDeploymentId: item.githubDeploymentId ?? githubDeploymentId });
    },
    async claimResponseUrlUse(url) {
      const count = uses.get(url) ?? 0;
      if (count >= RESPONSE_URL_MAX_USES) return false;
      uses.set(url, count + 1);
      return true;
    },
  };
  return { store, items, uses };
};

export type SlackCall =
  | { kind: 'response_url'; url: string; body: ResponseUrlBody }
  | { kind: 'chat.postMessage'; channel: string; message: SlackMessage }
  | { kind: 'chat.update'; thread: Thread; message: SlackMessage }
  | { kind: 'webhook'; message: SlackMessage }
  | { kind: 'reply'; thread: Thread; message: SlackMessage }
  | { kind: 'file'; file: FileUpload };

export const recordingSlack = (options: { bot?: boolean; webhook?: boolean } = {}) => {
  const calls: SlackCall[] = [];
  let ts = 100;
  const failures: Error[] = [];
  const next = () => {
    const failure = failures.shift();
    if (failure) throw failure;
  };
  const slack: SlackGateway = {
    async capabilities() {
      return { bot: options.bot ?? true, webhook: options.webhook ?? false };
    },
    async respond(url, body) {
      next();
      calls.push({ kind: 'response_url', url, body });
      return 'sent';
    },
    async postMessage(channel, message) {
      next();
      calls.push({ kind: 'chat.postMessage', channel, message });
      ts += 1;
      return { channel, ts: `1764147600.000${ts}` };
    },
    async update(thread, message) {
      next();
      calls.push({ kind: 'chat.update', thread, message });
      return thread;
    },
    async webhook(message) {
      next();
      calls.push({ kind: 'webhook', message });
    },
    async postReply(thread, message) {
      next();
      calls.push({ kind: 'reply', thread, message });
      ts += 1;
      return { channel: thread.channel, ts: `1764147600.000${ts}` };
    },
    async uploadFile(file) {
      next();
      calls.push({ kind: 'file', file });
    },
  };
  return { slack, calls, failNextWith: (error: Error) => failures.push(error) };
};

export const recordingGithub = (
  options: { enabled?: boolean; failWith?: Error; environmentAdmin?: boolean } = {},
) => {
  const created: { ref: string; environment: string }[] = [];
  const deleted: string[] = [];
  const statuses: { id: number; status: GithubStatus }[] = [];
  const github: GithubGateway = {
    async enabled() {
      return options.enabled ?? true;
    },
    async createDeployment(input) {
      if (options.failWith) throw options.failWith;
      created.push({ ref: input.ref, environment: input.environment });
      return 1000 + created.length;
    },
    async createStatus(id, status) {
      if (options.failWith) throw options.failWith;
      statuses.push({ id, status });
    },
    async deploymentsIn(environment) {
      return created.flatMap((c, i) => (c.environment === environment ? [1001 + i] : []));
    },
    async latestState(id) {
      return statuses.filter((s) => s.id === id).at(-1)?.status.state;
    },
    async deleteEnvironment(environment) {
      if (options.environmentAdmin === false) return 'not_permitted';
      deleted.push(environment);
      return 'deleted';
    },
  };
  return { github, created, statuses, deleted };
};

export const countingTelemetry = () => {
  const counts: Record<string, number> = {};
  const telemetry: Telemetry = {
    count(metric) {
      counts[metric] = (counts[metric] ?? 0) + 1;
    },
  };
  return { telemetry, counts };
};

export const fakePorts = (overrides: Partial<NotifierPorts> = {}): NotifierPorts => ({
  store: memoryStore().store,
  slack: recordingSlack().slack,
  github: recordingGithub().github,
  clock: { now: () => new Date(), sleep: async () => undefined },
  telemetry: countingTelemetry().telemetry,
  visibility: 'ephemeral',
  nightly: HELSINKI_NIGHTLY,
  ...overrides,
});
