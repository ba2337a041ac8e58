import { sendSlashCommand, slashCommandForm } from '../../local/src/cli/slashCommand';

/** What a chaos deploy asks for; each kind ends in a different final answer. */
export type DeployKind =
  | 'ordinary'
  | 'short-ttl'
  | 'ambiguous'
  | 'not-found'
  | 'artifacts-missing'
  | 'terminated-while-launching'
  | 'extended'
  | 'outsider';

export const CHAOS_USERS = ['U0CHAOS1', 'U0CHAOS2', 'U0CHAOS3', 'U0CHAOS4', 'U0CHAOS5'];
/** Not in ALLOWED_USERS: refused at the door. */
const OUTSIDER = 'U0OUTSIDE';

const KINDS: DeployKind[] = [
  'ordinary',
  'short-ttl',
  'ambiguous',
  'terminated-while-launching',
  'not-found',
  'extended',
  'artifacts-missing',
  'ordinary',
  'outsider',
];

/** Demo branches with a pull request and artifacts (local/demo/github.json). */
const TICKETS = ['ABC-123', 'ABC-125', 'ABC-126', 'ABC-127', 'ABC-128', 'ABC-129', 'ABC-130', 'ABC-131'];

export interface PlannedDeploy {
  index: number;
  kind: DeployKind;
  user: string;
  line: string;
}

export const planDeploys = (n: number): PlannedDeploy[] =>
  Array.from({ length: n }, (_, index) => {
    const kind = KINDS[index % KINDS.length] ?? 'ordinary';
    const ticket = TICKETS[index % TICKETS.length] ?? 'ABC-123';
    const user = kind === 'outsider' ? OUTSIDER : (CHAOS_USERS[index % CHAOS_USERS.length] ?? 'U0CHAOS1');
    const line = {
      ordinary: `/deploy ${ticket} --fresh`,
      'short-ttl': `/deploy ${ticket} for 1m --fresh`,
      ambiguous: '/deploy login',
      'not-found': `/deploy no-such-branch-${index}`,
      'artifacts-missing': '/deploy DEMO-2 --fresh',
      'terminated-while-launching': `/deploy ${ticket} --fresh`,
      extended: `/deploy ${ticket} --fresh`,
      outsider: `/deploy ${ticket}`,
    }[kind];
    return { index, kind, user, line };
  });

export interface SentDeploy extends PlannedDeploy {
  status: number | 'no-answer';
  ackMs: number;
  deployId?: string;
  ackText: string;
  followUps: string[];
}

const slash = async (ingressUrl: string, secret: string, user: string, line: string) => {
  const form = slashCommandForm({ line, userId: user, userName: user.toLowerCase() });
  return sendSlashCommand(ingressUrl, secret, form);
};

/** Sends one planned deploy and its follow-up (a terminate or an extend), as its user would. */
export const runDeploy = async (
  ingressUrl: string,
  secret: string,
  plan: PlannedDeploy,
): Promise<SentDeploy> => {
  const started = Date.now();
  try {
    const ack = await slash(ingressUrl, secret, plan.user, plan.line);
    const sent: SentDeploy = {
      ...plan,
      status: ack.status,
      ackMs: Date.now() - started,
      ackText: ack.lines.join(' ').slice(0, 200),
      followUps: [],
      ...(ack.deployId ? { deployId: ack.deployId } : {}),
    };
    if (ack.deployId && plan.kind === 'terminated-while-launching') {
      const t = await slash(ingressUrl, secret, plan.user, `/terminate ${ack.deployId}`);
      sent.followUps.push(`terminate ${t.status}`);
    }
    if (ack.deployId && plan.kind === 'extended') {
      await new Promise((r) => setTimeout(r, 4000));
      const e = await slash(ingressUrl, secret, plan.user, `/deploy extend ${ack.deployId} 2h`);
      sent.followUps.push(`extend ${e.status}`);
    }
    return sent;
  } catch (error) {
    return {
      ...plan,
      status: 'no-answer',
      ackMs: Date.now() - started,
      ackText: (error as Error).message,
      followUps: [],
    };
  }
};
