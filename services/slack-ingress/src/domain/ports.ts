import type { QueueStore } from '@branch-envs/shared/deployments/deployQueue';
import type { DeploymentItem, DeploymentRecord } from '@branch-envs/shared/deployments/table';
import type { NightlyConfig } from '@branch-envs/shared/lifetime';
import type { OpenBranch } from '@branch-envs/shared/openBranches';
import type { Publisher } from '@branch-envs/shared/publish';
import type { AccessPolicy, GroupDirectory, Role } from './authorization';
import type { SlackMessage } from './blocks';
import type { GrammarConfig } from './grammar';
import type { LogsRateLimiter } from './logsRateLimit';

/** The Slack user behind a request, as the contracts' `owner` / `requestedBy`. */
export interface Actor {
  userId: string;
  teamId: string;
  userName: string;
}

/** Where the conversation continues: the contracts' `replyTo` without the user. */
export interface Conversation {
  channelId: string;
  responseUrl?: string;
  issuedAt: string;
}

/** Reads of the deployments table; every one goes through the key or a GSI, never a Scan. */
export interface DeploymentReader {
  get(deployId: string): Promise<DeploymentItem | undefined>;
  /** Every record in a live status (one status+expiresAt query per status). */
  live(): Promise<DeploymentRecord[]>;
  /** The owner's live records (ownerId+createdAt), newest first. */
  liveByOwner(ownerId: string): Promise<DeploymentRecord[]>;
  /** Up to `limit` records of a branch (branch+createdAt), newest first, any status. */
  byBranch(branch: string, limit: number): Promise<DeploymentRecord[]>;
}

/** The deployments table as ingress writes it: the REQUESTED record of each `/deploy`. */
export interface RequestRegistry {
  /** Writes the record (conditional on its id being new); throws if it cannot. */
  open(record: DeploymentRecord): Promise<void>;
  /** Ends a REQUESTED record that was never published; a record that moved on is left alone. */
  abandon(deployId: string, note: string): Promise<void>;
}

export interface IngressPorts {
  publisher: Publisher<'slack-ingress'>;
  deployments: DeploymentReader;
  registry: RequestRegistry;
  groups: GroupDirectory;
  now: () => Date;
  newId: () => string;
  /** The deploy queue (ADR 0025); without it, [Queue me] answers that queueing is off. */
  queue?: QueueStore;
  /** Slack's `views.open`, for the Deploy form (ADR 0026). */
  views?: { open(triggerId: string, view: unknown): Promise<void> };
  /** Log requests per user and minute (ADR 0030); without it, requests are not limited. */
  logsLimiter?: LogsRateLimiter;
  /** The resolver's last listing of open pull requests, for the form's type-ahead. */
  openBranches?: () => Promise<readonly OpenBranch[]>;
}

export interface IngressSettings extends GrammarConfig {
  deployCommand: string;
  terminateCommand: string;
  policy: AccessPolicy;
  /** The reaper's nightly shutdown, so replies say when an environment really ends (ADR 0012). */
  nightly: NightlyConfig;
  /** How long a queued request waits for a slot before it is dropped (ADR 0025). */
  queueMaxWaitSeconds?: number;
}

/**
 * What came of a request. `published` means an event is on the bus; `answered` and `refused` mean
 * nothing was published. The handler turns each into an ephemeral reply.
 */
export type Outcome =
  | { kind: 'answered'; message: SlackMessage }
  | { kind: 'refused'; message: SlackMessage }
  | {
      kind: 'published';
      message: SlackMessage;
      detailType: string;
      correlationId: string;
      /** A button's acknowledgement is a new note, leaving the message it was pressed on (logs). */
      keepOriginal?: boolean;
    };

/** One authorized request on its way through the use cases. */
export interface RequestContext {
  actor: Actor;
  role: Exclude<Role, 'none'>;
  conversation: Conversation;
  settings: IngressSettings;
  ports: IngressPorts;
}
