import type { NightlyConfig } from '@branch-envs/shared/lifetime';
import type { Log } from '@branch-envs/shared/log';
import type { SlackMessage } from './blocks';
import type { GithubState } from './plan';
import type { Thread, Visibility } from './routing';
import type { Facts, MessageState } from './states';

/** What the notifier's table holds about one deployment's message. */
export interface StoredMessage extends Facts {
  /** Rank of the last state shown; undefined before the first. */
  rank?: number;
  state?: MessageState;
  thread?: Thread;
  githubDeploymentId?: number;
  /** The expiry time the owner was last warned about. */
  warnedFor?: number;
}

export type Acquired =
  | { kind: 'acquired'; record: StoredMessage }
  /** The message already shows this state or a later one. */
  | { kind: 'stale'; record: StoredMessage }
  /** Another event holds the message's lease. */
  | { kind: 'busy' };

export interface StateCommit {
  rank: number;
  state: MessageState;
  facts: Facts;
  thread?: Thread;
  githubDeploymentId?: number;
}

/**
 * The notifier's own table (ADR 0004). `acquire` is the ordering guard: it takes a short lease on the
 * deployment's message only while the new state outranks the shown one, so two events for one
 * deployment never edit its message at the same time, and a lower state never follows a higher one.
 */
export interface MessageStore {
  get(deployId: string): Promise<StoredMessage | undefined>;
  acquire(deployId: string, rank: number, eventId: string, now: Date): Promise<Acquired>;
  /** Records the state shown and releases the lease; false when the lease was no longer ours. */
  commit(deployId: string, eventId: string, update: StateCommit): Promise<boolean>;
  release(deployId: string, eventId: string): Promise<void>;
  /** Saved as soon as a bot message exists, so a retry edits it rather than posting a second one. */
  rememberThread(deployId: string, thread: Thread): Promise<void>;
  recordNotice(deployId: string, update: { facts: Facts; warnedFor?: number }): Promise<void>;
  /** For a GitHub deployment created late (see `catchUpGithub`); never replaces one already stored. */
  rememberGithubDeployment(deployId: string, githubDeploymentId: number): Promise<void>;
  /** Counts one use of a response_url atomically; false once Slack's five are spent. */
  claimResponseUrlUse(url: string, expiresAt: Date): Promise<boolean>;
}

/** How long this invocation may still spend; adapters stop retrying before it runs out. */
export interface Budget {
  remainingMs(): number;
}

export interface ResponseUrlBody extends SlackMessage {
  response_type: Visibility;
  replace_original: boolean;
}

/** A text file for `files.getUploadURLExternal` → upload → `files.completeUploadExternal` (ADR 0030). */
export interface FileUpload {
  channel: string;
  /** The parent message: the file is posted as a reply in its thread. */
  threadTs?: string;
  filename: string;
  title: string;
  content: string;
  /** The message that introduces the file (mrkdwn). */
  comment: string;
}

export interface SlackGateway {
  /** Which optional routes are configured (bot token, webhook); read once per cold start. */
  capabilities(): Promise<{ bot: boolean; webhook: boolean }>;
  /** `gone` when Slack says the URL is used up or expired: try the next route. */
  respond(url: string, body: ResponseUrlBody, budget: Budget): Promise<'sent' | 'gone'>;
  postMessage(channel: string, message: SlackMessage, budget: Budget): Promise<Thread>;
  /** `not_found` when the message was deleted: post a new one. */
  update(thread: Thread, message: SlackMessage, budget: Budget): Promise<Thread | 'not_found'>;
  webhook(message: SlackMessage, budget: Budget): Promise<void>;
  /** A reply in a bot message's thread (chat.postMessage with thread_ts). */
  postReply(thread: Thread, message: SlackMessage, budget: Budget): Promise<Thread>;
  /** Uploads a text file with Slack's external upload flow and shares it in the channel (or thread). */
  uploadFile(file: FileUpload, budget: Budget): Promise<void>;
}

export interface GithubStatus {
  state: GithubState;
  description: string;
  environmentUrl?: string;
}

export interface GithubGateway {
  /** False when no token, owner or repository is configured: GitHub Deployments are skipped. */
  enabled(): Promise<boolean>;
  createDeployment(input: {
    ref: string;
    environment: string;
    description: string;
    deployId: string;
  }): Promise<number>;
  createStatus(deploymentId: number, status: GithubStatus): Promise<void>;
  /** Ids of the deployments of one environment (GitHub's first 100, newest first). */
  deploymentsIn(environment: string): Promise<number[]>;
  /** The state of a deployment's newest status; undefined when it has none yet. */
  latestState(deploymentId: number): Promise<string | undefined>;
  deleteEnvironment(environment: string): Promise<'deleted' | 'gone' | 'not_permitted'>;
}

export interface Telemetry {
  count(metric: 'GithubCallFailed' | 'StaleEventSkipped' | 'ResponseUrlFallback' | 'NoticeSkipped'): void;
}

export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export interface NotifierPorts {
  store: MessageStore;
  slack: SlackGateway;
  github: GithubGateway;
  clock: Clock;
  telemetry: Telemetry;
  visibility: Visibility;
  /** When the nightly shutdown runs, so messages state the real end (ADR 0012). */
  nightly: NightlyConfig;
}

export interface Invocation extends Budget {
  eventId: string;
  logger: Log;
}
