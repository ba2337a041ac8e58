import {
  DescribeArchiveCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  ListRuleNamesByTargetCommand,
} from '@aws-sdk/client-eventbridge';
import type { StageNames } from '../names';
import type { QueueState } from '../queues';
import { type DeployedStack, isHealthyStatus } from '../stacks';
import type { OpsClients, OpsTarget } from '../target';
import type { DeclaredQueue } from '../templateFacts';
import { type CheckResult, fail, guarded, pass } from './check';

const PLATFORM_OUTPUTS = (names: StageNames): Record<string, string> => ({
  EventBusName: names.bus,
  EventArchiveName: names.archive,
  DeploymentsTableName: names.deploymentsTable,
  IdempotencyTableName: names.idempotencyTable,
});

const deployHint = (target: OpsTarget, service: string) =>
  target.local
    ? 'restart `npm start` (it packages and applies every stack)'
    : `cd services/${service} && npx osls deploy --stage ${target.stage} --region ${target.region}`;

/** Each service's stack exists and is complete; the platform's outputs name what the others expect. */
export const stackChecks = (target: OpsTarget, names: StageNames, stacks: DeployedStack[]): CheckResult[] =>
  stacks.flatMap((stack) => {
    const fix = deployHint(target, stack.service);
    if (!isHealthyStatus(stack.status))
      return [fail('stacks', stack.stackName, stack.status ? `status ${stack.status}` : 'not deployed', fix)];
    if (stack.service !== 'platform') return [pass('stacks', stack.stackName, stack.status)];
    const wrong = Object.entries(PLATFORM_OUTPUTS(names)).filter(
      ([key, value]) => stack.outputs[key] !== value,
    );
    if (wrong.length === 0)
      return [pass('stacks', stack.stackName, `${stack.status}, outputs name the ${names.prefix} resources`)];
    const listed = wrong.map(
      ([key, value]) => `${key} is ${stack.outputs[key] ?? 'missing'}, expected ${value}`,
    );
    return [fail('stacks', stack.stackName, listed.join('; '), fix)];
  });

export const busChecks = (clients: OpsClients, names: StageNames): Promise<CheckResult[]> =>
  Promise.all([
    guarded('events', `bus ${names.bus}`, 'deploy services/platform', async () => {
      await clients.eventBridge.send(new DescribeEventBusCommand({ Name: names.bus }));
      return pass('events', `bus ${names.bus}`);
    }),
    guarded('events', `archive ${names.archive}`, 'deploy services/platform', async () => {
      const archive = await clients.eventBridge.send(
        new DescribeArchiveCommand({ ArchiveName: names.archive }),
      );
      const onBus = archive.EventSourceArn?.endsWith(`:event-bus/${names.bus}`);
      if (archive.State !== 'ENABLED' || !onBus)
        return fail(
          'events',
          `archive ${names.archive}`,
          `state ${archive.State}, source ${archive.EventSourceArn}`,
          'deploy services/platform',
        );
      return pass(
        'events',
        `archive ${names.archive}`,
        `${archive.EventCount ?? 0} events, kept ${archive.RetentionDays} days`,
      );
    }),
  ]).then((r) => r.flat());

/** The queue is a target of an enabled rule on the bus (the rule's own name is CloudFormation's). */
const ruleCheck = async (clients: OpsClients, names: StageNames, queue: QueueState): Promise<CheckResult> => {
  const name = `rule → ${queue.name}`;
  const found = await clients.eventBridge.send(
    new ListRuleNamesByTargetCommand({ TargetArn: queue.arn, EventBusName: names.bus }),
  );
  const rules = found.RuleNames ?? [];
  const states = await Promise.all(
    rules.map(
      async (rule) =>
        (await clients.eventBridge.send(new DescribeRuleCommand({ Name: rule, EventBusName: names.bus })))
          .State,
    ),
  );
  if (!states.includes('ENABLED'))
    return fail(
      'events',
      name,
      rules.length ? `rules ${rules.join(', ')} are disabled` : `no rule on ${names.bus} targets it`,
      'redeploy the stack that owns the queue',
    );
  return pass('rules', name, rules.join(', '));
};

/** Every declared queue exists, redrives to its declared DLQ, and a bus-fed one has its rule. */
export const queueChecks = async (
  clients: OpsClients,
  names: StageNames,
  declared: { service: string; queue: DeclaredQueue }[],
  actual: QueueState[],
): Promise<CheckResult[]> => {
  const byName = new Map(actual.map((q) => [q.name, q]));
  const checks = declared.map(async ({ service, queue }) => {
    const found = byName.get(queue.name);
    const fix = `redeploy services/${service}`;
    if (!found) return [fail('queues', queue.name, 'missing', fix)];
    const dlq = queue.deadLetterQueue ? byName.get(queue.deadLetterQueue) : undefined;
    if (queue.deadLetterQueue && found.deadLetterArn !== dlq?.arn)
      return [fail('queues', queue.name, `does not redrive to ${queue.deadLetterQueue}`, fix)];
    const detail = queue.deadLetterQueue
      ? `DLQ ${queue.deadLetterQueue} after ${found.maxReceiveCount} receives`
      : undefined;
    const own = pass('queues', queue.name, detail);
    if (!queue.fedByBus) return [own];
    return [
      own,
      ...(await guarded('rules', `rule → ${queue.name}`, fix, () => ruleCheck(clients, names, found))),
    ];
  });
  return (await Promise.all(checks)).flat();
};
