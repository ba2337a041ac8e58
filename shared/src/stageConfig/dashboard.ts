/**
 * The stage's CloudWatch dashboard (platform stack), built from metrics that exist: the provisioner's
 * deploy metrics (DEPLOY_METRICS, emitted by services/provisioner/src/adapters/deployMetrics.ts), the
 * reaper's counters, and
 * what SQS and Lambda publish themselves. Queue and function names follow the stacks' naming
 * convention; tests/static/operations.test.ts checks them against the packaged templates.
 */
import { FailureReason } from '../events/DeployFailed';
import { DEPLOY_METRICS } from '../observability';

const NAMESPACE = 'branch-envs';

/** The DLQs of every stack, as `branch-envs-<stage>-<name>`. */
export const DEAD_LETTER_QUEUES = [
  'branch-resolver-dlq',
  'notifier-dlq',
  'provisioner-dlq',
  'provisioner-probes-dlq',
  'provisioner-updates-dlq',
  'provisioner-logs-dlq',
  'reaper-interruptions-dlq',
  'reaper-requests-dlq',
  'slack-ingress-home-dlq',
] as const;

/** Every function, as osls names it: `branch-envs-<service>-<stage>-<function>`. */
export const FUNCTIONS: Readonly<Record<string, readonly string[]>> = {
  'slack-ingress': ['ingress', 'home'],
  'github-ingress': ['webhook'],
  'branch-resolver': ['consume'],
  provisioner: ['provision', 'probe', 'phoneHome', 'update', 'logs'],
  notifier: ['notify'],
  reaper: ['sweep', 'nightly', 'reconcile', 'requests', 'interruptions'],
};

/** The reaper's counters the dashboard reads (services/reaper/src/domain). */
export const REAPER_METRICS = ['InstancesTerminated', 'OrphansTerminated'] as const;

type Metric = (string | Record<string, string>)[];

interface Widget {
  title: string;
  metrics: Metric[];
  stat: string;
  period: number;
  x: number;
  y: number;
}

// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub fills in the region, not JS
const REGION = '${AWS::Region}';

const widget = ({ title, metrics, stat, period, x, y }: Widget) => ({
  type: 'metric',
  x,
  y,
  width: 12,
  height: 6,
  properties: { title, metrics, stat, period, region: REGION, view: 'timeSeries', stacked: false },
});

export const deadLetterQueueNames = (stage: string): string[] =>
  DEAD_LETTER_QUEUES.map((name) => `branch-envs-${stage}-${name}`);

export const functionNames = (stage: string): string[] =>
  Object.entries(FUNCTIONS).flatMap(([service, names]) =>
    names.map((name) => `branch-envs-${service}-${stage}-${name}`),
  );

const own = (stage: string, service: string, name: string, extra: string[] = [], label?: string): Metric => [
  NAMESPACE,
  name,
  'service',
  service,
  'stage',
  stage,
  ...extra,
  ...(label ? [{ label }] : []),
];

const deployWidgets = (stage: string) => [
  widget({
    title: 'Deploys per hour',
    metrics: [
      own(stage, 'provisioner', DEPLOY_METRICS.launched, [], 'launched'),
      own(stage, 'provisioner', DEPLOY_METRICS.ready, [], 'ready'),
    ],
    stat: 'Sum',
    period: 3600,
    x: 0,
    y: 0,
  }),
  widget({
    title: 'Time to ready (seconds, from the /deploy)',
    metrics: ['p50', 'p90', 'Maximum'].map((stat) => [
      ...own(stage, 'provisioner', DEPLOY_METRICS.timeToReady),
      { stat, label: stat },
    ]),
    stat: 'p50',
    period: 3600,
    x: 12,
    y: 0,
  }),
  widget({
    title: 'Failed deploys by reason (per hour)',
    metrics: FailureReason.options.map((reason) =>
      own(stage, 'provisioner', DEPLOY_METRICS.failed, ['reason', reason], reason),
    ),
    stat: 'Sum',
    period: 3600,
    x: 0,
    y: 6,
  }),
  widget({
    title: 'Environments ended (per hour)',
    metrics: [
      own(stage, 'reaper', REAPER_METRICS[0], [], 'terminated'),
      own(stage, 'reaper', REAPER_METRICS[1], [], 'orphans terminated'),
    ],
    stat: 'Sum',
    period: 3600,
    x: 12,
    y: 6,
  }),
];

const healthWidgets = (stage: string) => [
  widget({
    title: 'Dead-letter queue depths',
    metrics: deadLetterQueueNames(stage).map((queue) => [
      'AWS/SQS',
      'ApproximateNumberOfMessagesVisible',
      'QueueName',
      queue,
    ]),
    stat: 'Maximum',
    period: 300,
    x: 0,
    y: 12,
  }),
  widget({
    title: 'Function errors',
    metrics: functionNames(stage).map((name) => ['AWS/Lambda', 'Errors', 'FunctionName', name]),
    stat: 'Sum',
    period: 300,
    x: 12,
    y: 12,
  }),
];

/** The dashboard body as CloudFormation takes it: JSON text, for `Fn::Sub` to fill in the region. */
export const dashboardBody = (stage: string): string =>
  JSON.stringify({ widgets: [...deployWidgets(stage), ...healthWidgets(stage)] });
