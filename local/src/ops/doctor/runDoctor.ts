import { stageNames } from '../names';
import { deadLetterQueues, stageQueues } from '../queues';
import { type DeployedStack, deployedStacks } from '../stacks';
import type { OpsClients, OpsTarget } from '../target';
import { stackFacts } from '../templateFacts';
import { type CheckResult, guarded } from './check';
import { amiCheck, networkChecks } from './ec2Checks';
import { busChecks, queueChecks, stackChecks } from './infraChecks';
import { type ServiceParameter, secretChecks } from './secretChecks';
import { alarmChecks, dlqDepthChecks } from './stateChecks';
import { githubCheck, slackCheck, tokenSettings } from './tokenChecks';

/** The order the report reads in: what is deployed, what it needs, then how it is doing. */
const GROUPS = ['stacks', 'events', 'rules', 'queues', 'secrets', 'ec2', 'tokens', 'dead letters', 'alarms'];

export interface DoctorReport {
  ok: boolean;
  stage: string;
  region: string;
  checks: CheckResult[];
}

const factsOf = (stacks: DeployedStack[], bus: string) =>
  stacks.flatMap((stack) =>
    stack.template ? [{ service: stack.service, facts: stackFacts(stack.template, bus) }] : [],
  );

/** The settings the services run with, merged over every stack (names do not clash across services). */
const mergedEnvironment = (facts: ReturnType<typeof factsOf>, service?: string): Record<string, string> =>
  Object.assign(
    {},
    ...facts.filter((f) => !service || f.service === service).map((f) => f.facts.environment),
  );

/**
 * Every prerequisite of the stage, each as ✓ or ✗ with its fix. The stacks' templates (deployed, or
 * applied locally) say what must exist; the checks look at what does, with the operator's credentials.
 */
export const runDoctor = async (target: OpsTarget, clients: OpsClients): Promise<DoctorReport> => {
  const names = stageNames(target.stage);
  const stacks = await deployedStacks(target, clients);
  const facts = factsOf(stacks, names.bus);
  const queues = await stageQueues(clients.sqs, `${names.prefix}-`);
  const declared = facts.flatMap(({ service, facts: f }) => f.queues.map((queue) => ({ service, queue })));
  const parameters: ServiceParameter[] = facts.flatMap(({ service, facts: f }) =>
    f.parameters.map((p) => ({ ...p, service })),
  );
  const settings = tokenSettings(target, {
    ...mergedEnvironment(facts, 'notifier'),
    ...mergedEnvironment(facts, 'slack-ingress'),
  });
  const provisioner = mergedEnvironment(facts, 'provisioner');
  const groups = await Promise.all([
    busChecks(clients, names),
    queueChecks(clients, names, declared, queues),
    secretChecks(clients, target, parameters),
    amiCheck(clients, provisioner),
    networkChecks(clients, provisioner, target.local !== undefined),
    slackCheck(clients, settings),
    githubCheck(clients, settings),
    guarded('alarms', 'alarms', 'allow cloudwatch:DescribeAlarms to the operator', () =>
      alarmChecks(clients, names),
    ),
  ]);
  const checks = [
    ...stackChecks(target, names, stacks),
    ...groups.flat(),
    ...dlqDepthChecks(deadLetterQueues(queues, `${names.prefix}-`)),
  ].sort((a, b) => GROUPS.indexOf(a.group) - GROUPS.indexOf(b.group));
  return { ok: checks.every((c) => c.status !== 'fail'), stage: target.stage, region: target.region, checks };
};
