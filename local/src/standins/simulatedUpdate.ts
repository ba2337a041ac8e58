import type { S3Client } from '@aws-sdk/client-s3';
import type { ExecutionOutcome, Executor } from './runCommandTypes';
import {
  decodeUpdateInput,
  type FetchedArtifact,
  fetchArtifact,
  isCrashing,
  type SimulatedBuild,
  type UpdateInput,
  verifyArtifact,
} from './simulatedBuild';

/** The exit codes of cloud-init/profiles/jvm-postgres/scripts/branch-envs-update.sh. */
export const UPDATE_EXIT = { updated: 0, invalidInput: 2, fetchFailed: 3, rolledBack: 4, down: 5 } as const;

/** What the update changes on a simulated instance. */
export interface UpdatableInstance {
  instanceId: string;
  build?: SimulatedBuild;
  /** The build kept for a rollback (`.previous` files on a real instance). */
  previous?: SimulatedBuild;
  /** The app is stopped or starting: its health answers 503. */
  appDown?: boolean;
  /** How many times the database was re-seeded by an update. */
  reseeds?: number;
}

export interface SimulatedUpdateDeps {
  s3: S3Client;
  instance(instanceId: string): UpdatableInstance | undefined;
  /** The instance's deploy.json (from its user data): which artifacts it runs, whether it has a database. */
  deployDocument(instanceId: string): Promise<Record<string, unknown> | undefined>;
  /** How long the app takes to start (default 300 ms). */
  restartMs?: number;
  /** How long start-app.sh waits for health before giving up (default 2000 ms; the boot timeout on AWS). */
  healthTimeoutMs?: number;
}

class ScriptOutput {
  private readonly out: string[] = [];
  private readonly err: string[] = [];
  public say(line: string) {
    this.out.push(line);
  }
  public fail(line: string) {
    this.err.push(line);
  }
  public exit(exitCode: number): ExecutionOutcome {
    return {
      exitCode,
      stdout: this.out.map((l) => `${l}\n`).join(''),
      stderr: this.err.map((l) => `${l}\n`).join(''),
    };
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

const namesOf = (list: unknown): string[] =>
  (Array.isArray(list) ? list : []).map((a) => String((a as { name?: unknown }).name)).sort();

/** Fetches and verifies every artifact before the app is touched; the reason on failure. */
const fetchBuild = async (
  s3: S3Client,
  input: UpdateInput,
  signal: AbortSignal,
): Promise<{ fetched: FetchedArtifact[] } | { error: string }> => {
  const fetched: FetchedArtifact[] = [];
  for (const artifact of input.artifacts) {
    const got = await fetchArtifact(s3, artifact.url, signal).catch((error: Error) => error);
    if (got instanceof Error) return { error: `artifact ${artifact.name}: ${got.name}: ${got.message}` };
    const problem = verifyArtifact(artifact.name, got, artifact);
    if (problem) return { error: problem };
    fetched.push(got);
  }
  return { fetched };
};

/** start-app.sh: the app starts, then answers its health check unless its build crashes on start. */
const start = async (instance: UpdatableInstance, deps: SimulatedUpdateDeps, signal: AbortSignal) => {
  instance.appDown = true;
  await sleep(deps.restartMs ?? 300, signal);
  if (instance.build?.broken) {
    await sleep(deps.healthTimeoutMs ?? 2000, signal);
    return false;
  }
  instance.appDown = signal.aborted;
  return !signal.aborted;
};

const swapIn = (
  instance: UpdatableInstance,
  build: SimulatedBuild,
  output: ScriptOutput,
  names: string[],
) => {
  instance.previous = instance.build ?? { headSha: null, broken: false };
  instance.build = build;
  for (const name of names) output.say(`new ${name} in place`);
};

const rollBack = async (
  instance: UpdatableInstance,
  deps: SimulatedUpdateDeps,
  output: ScriptOutput,
  signal: AbortSignal,
) => {
  output.fail('the new build is not healthy; restoring the previous one');
  instance.build = instance.previous ?? { headSha: null, broken: false };
  if (await start(instance, deps, signal)) {
    output.say('the previous build runs again');
    return output.exit(UPDATE_EXIT.rolledBack);
  }
  output.fail('the previous build is not healthy either');
  return output.exit(UPDATE_EXIT.down);
};

type Checked =
  | { input: UpdateInput; instance: UpdatableInstance; boot: Record<string, unknown> | undefined }
  | { exit: ExecutionOutcome };

/** The script's input checks (exit 2): a version 1 input naming exactly this environment's artifacts. */
const checkInput = async (
  deps: SimulatedUpdateDeps,
  instanceId: string,
  encoded: string | undefined,
  output: ScriptOutput,
): Promise<Checked> => {
  const input = decodeUpdateInput(encoded);
  const instance = deps.instance(instanceId);
  if (!input || !instance) {
    output.fail(input ? 'no such instance' : 'update input is not a version 1 document');
    return { exit: output.exit(UPDATE_EXIT.invalidInput) };
  }
  const boot = await deps.deployDocument(instanceId);
  if (namesOf(input.artifacts).join('\n') !== namesOf(boot?.artifacts).join('\n')) {
    output.fail('update input does not name exactly the artifacts of this environment');
    return { exit: output.exit(UPDATE_EXIT.invalidInput) };
  }
  return { input, instance, boot };
};

const hasDatabase = (boot: Record<string, unknown> | undefined): boolean =>
  Boolean((boot?.db as { name?: unknown } | null | undefined)?.name);

/**
 * `branch-envs-update.sh` on a simulated instance, step for step and with its exit codes: decode
 * the input (2), fetch and verify every artifact before stopping anything (3), swap in the new build
 * keeping the old one, re-seed when asked, start and wait for health (0); a build that never gets
 * healthy is swapped back (4), or the environment is down (5).
 */
export const simulatedUpdate =
  (deps: SimulatedUpdateDeps): Executor =>
  async ({ instanceId, parameters, signal }) => {
    const output = new ScriptOutput();
    const checked = await checkInput(deps, instanceId, parameters.UpdateInput?.[0], output);
    if ('exit' in checked) return checked.exit;
    const { input, instance, boot } = checked;
    output.say(`fetching the build of ${input.headSha.slice(0, 7)}`);
    const build = await fetchBuild(deps.s3, input, signal);
    if ('error' in build) {
      output.fail(build.error);
      output.fail('fetching the new build failed; the app keeps running its build');
      return output.exit(UPDATE_EXIT.fetchFailed);
    }
    const names = namesOf(input.artifacts);
    swapIn(instance, { headSha: input.headSha, broken: build.fetched.some(isCrashing) }, output, names);
    if (input.reseed && hasDatabase(boot)) {
      output.say('re-seeding the database');
      instance.reseeds = (instance.reseeds ?? 0) + 1;
    }
    if (!(await start(instance, deps, signal))) return rollBack(instance, deps, output, signal);
    output.say(`updated to ${input.headSha.slice(0, 7)}`);
    return output.exit(UPDATE_EXIT.updated);
  };
