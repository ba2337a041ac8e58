import { GetParametersByPathCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { ExecutionOutcome, Executor } from './runCommandTypes';

/**
 * The logs document (`branch-envs-<stage>-logs`, ADR 0030) on a simulated instance: what
 * `journalctl --unit=branch-env-app.service --lines=N` and `tail -n N /var/log/cloud-init-output.log`
 * would print there, with the app's secret values replaced and cut to Run Command's 24,000
 * characters as the document's script does. The simulated app is careless in the way real ones are:
 * it logs its secret setting (replaced here, on the "instance"), a bearer token and a GitHub token
 * (left for the provisioner's redaction to find).
 */

export interface LoggingInstance {
  instanceId: string;
  branch?: string;
  firstSeen: number;
  build?: { headSha: string | null; broken: boolean };
  failedStep?: string;
  document?: Record<string, unknown>;
  /** The instance's journal and boot log have been written (its user data was read). */
  loaded?: boolean;
}

export interface SimulatedLogsDeps {
  instance(instanceId: string): LoggingInstance | undefined;
  /** Reads the app's secret values as the app has them in its environment. */
  ssm?: SSMClient;
  bootDelayMs: number;
}

/** What the document's script keeps: the end of the output within Run Command's limit. */
const OUTPUT_BYTES = 23_000;
const BOOT_STEPS = [
  'fetch-artifacts',
  'fetch-secrets',
  'rewrite-config',
  'restore-db',
  'post-restore',
  'start-app',
];

const stamp = (at: number): string => `${new Date(at).toISOString().slice(0, 19)}+0000`;
const host = (instance: LoggingInstance) =>
  `ip-10-0-${instance.instanceId.slice(-2, -1).charCodeAt(0) % 250}-7`;

const secretSettings = async (ssm: SSMClient | undefined, document: Record<string, unknown> | undefined) => {
  const path = (document?.secrets as { path?: unknown } | undefined)?.path;
  if (!ssm || typeof path !== 'string') return [];
  const page = await ssm.send(
    new GetParametersByPathCommand({ Path: path, Recursive: false, WithDecryption: true }),
  );
  return (page.Parameters ?? []).map((p) => ({
    name: (p.Name ?? '').split('/').pop() ?? '',
    value: p.Value ?? '',
  }));
};

/** The app's journal: its start, its settings (secrets included, as a careless app logs them), its requests. */
const appJournal = async (instance: LoggingInstance, deps: SimulatedLogsDeps, now: number) => {
  const h = host(instance);
  const started = instance.firstSeen + deps.bootDelayMs;
  const app = (at: number, text: string) => `${stamp(at)} ${h} shop[2041]: ${text}`;
  const lines = [
    `${stamp(started)} ${h} systemd[1]: Started branch-env-app.service - branch-envs app.`,
    app(
      started,
      `starting shop ${instance.build?.headSha?.slice(0, 7) ?? 'unknown build'} for branch ${instance.branch ?? '?'}`,
    ),
    // A JVM app's start is long: the journal of a fresh environment already outgrows one message.
    ...STARTUP_MODULES.map((module, i) =>
      app(started + 10 * i, `INFO  startup - initialised ${module} (${i + 1}/${STARTUP_MODULES.length})`),
    ),
  ];
  if (instance.build?.broken) {
    lines.push(
      app(started + 400, 'Exception in thread "main" java.lang.IllegalStateException: crash-on-start'),
    );
    lines.push(
      `${stamp(started + 500)} ${h} systemd[1]: branch-env-app.service: Main process exited, code=exited, status=1/FAILURE`,
    );
    return { lines, secretValues: [] };
  }
  const settings = await secretSettings(deps.ssm, instance.document);
  const requests = Math.min(400, Math.max(1, Math.floor((now - started) / 1000)));
  for (let i = 0; i < requests; i += 1) lines.push(...requestLines(i, started + i * 1000, settings, app));
  return { lines, secretValues: settings.map((s) => s.value) };
};

/** One simulated second of the app: a health check, and now and then its careless logging. */
const requestLines = (
  i: number,
  at: number,
  settings: { name: string; value: string }[],
  app: (at: number, text: string) => string,
): string[] => [
  app(at, `GET /health 200 ${3 + (i % 5)}ms`),
  ...(i % 20 === 0 ? settings.map(({ name, value }) => app(at, `config reloaded: ${name}=${value}`)) : []),
  ...(i % 25 === 0 ? [app(at, 'calling payments with Authorization: Bearer sim-9f8e7d6c5b4a3f2e1d0c')] : []),
  ...(i % 30 === 0 ? [app(at, `cloning with ${SIMULATED_GITHUB_TOKEN}`)] : []),
];

const STARTUP_MODULES = [
  'config',
  'datasource',
  'flyway',
  'cache',
  'sessions',
  'catalog',
  'cart',
  'checkout',
  'payments',
  'orders',
  'search',
  'mail',
  'scheduler',
  'metrics',
  'health',
  'http',
].flatMap((m) => [`${m} (loading)`, `${m} (ready)`]);

/** A GitHub token the simulated app logs; the provisioner's built-in patterns must replace it. */
export const SIMULATED_GITHUB_TOKEN = 'ghp_SimulatedToken0123456789abcdefABCDEF';

/** What the document's jq step does with redact-values.json: each value (6+ characters) as text. */
const redactValues = (text: string, values: readonly string[]): string =>
  values.filter((v) => v.length >= 6).reduce((out, v) => out.split(v).join('[REDACTED]'), text);

/** cloud-init's output as bootstrap.sh writes it, up to the step that failed, then status.json. */
const bootLog = (instance: LoggingInstance, deps: SimulatedLogsDeps): string[] => {
  const at = instance.firstSeen;
  const lines = [
    `Cloud-init v. 24.4 running 'modules:final' at ${new Date(at).toUTCString()}.`,
    'branch-envs: booting (step boot)',
  ];
  const artifacts = Array.isArray(instance.document?.artifacts)
    ? (instance.document.artifacts as { name?: unknown; url?: unknown }[])
    : [];
  for (const step of BOOT_STEPS) {
    lines.push(`branch-envs: step ${step}`);
    if (step === 'fetch-artifacts')
      for (const a of artifacts) lines.push(`fetching ${String(a.name)} from ${String(a.url)}`);
    if (step === instance.failedStep) {
      if (step === 'start-app')
        lines.push(`app not healthy at /health after ${Math.round(deps.bootDelayMs / 1000)}s`);
      lines.push(`branch-envs: failed (step ${step})`);
      lines.push(
        '--- boot status (/var/lib/branch-envs/status.json)',
        JSON.stringify({ status: 'failed', step }),
      );
      return lines;
    }
  }
  lines.push('app healthy at /health', 'branch-envs: ready (step complete)');
  lines.push(
    '--- boot status (/var/lib/branch-envs/status.json)',
    JSON.stringify({ status: 'ready', step: 'complete' }),
  );
  return lines;
};

const cut = (text: string): string => {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= OUTPUT_BYTES) return text;
  return `[earlier lines cut - Run Command returns at most 24,000 characters]\n${bytes.subarray(bytes.length - OUTPUT_BYTES).toString('utf8')}`;
};

export const simulatedLogs =
  (deps: SimulatedLogsDeps): Executor =>
  async ({ instanceId, parameters }): Promise<ExecutionOutcome> => {
    const instance = deps.instance(instanceId);
    const kind = parameters.Kind?.[0];
    const lines = Number(parameters.Lines?.[0]);
    if (!instance) return { exitCode: 1, stdout: '', stderr: 'no such instance' };
    const { lines: all, secretValues } =
      kind === 'app'
        ? await appJournal(instance, deps, Date.now())
        : { lines: bootLog(instance, deps), secretValues: [] };
    const text = redactValues(`${all.slice(-lines).join('\n')}\n`, secretValues);
    return { exitCode: 0, stdout: cut(text), stderr: '' };
  };
