import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { newId } from '@branch-envs/shared/ids';
import type { PhoneHomeOutcome, PhoneHomeReport } from '../../src/domain/readiness/phoneHome';
import { createPhoneHomeHandler } from '../../src/handlers/createPhoneHomeHandler';
import { phoneHomeServer } from '../helpers/phoneHomeServer';

/**
 * The instance's half of the phone-home, run for real: bootstrap.sh's own `report` function (cut out
 * of the script, so this runs what ships) with bash, jq and curl, against the real HTTP handler.
 */
const BOOTSTRAP = path.resolve(
  __dirname,
  '../../../../cloud-init/profiles/jvm-postgres/scripts/bootstrap.sh',
);
const INSTANCE = 'i-0abc123def4567890';
const TOKEN = 'q3Jm0x5vF2kZ8pL1sR7tW9yB4nC6dE0gH2jK4mN6pQ8';

const reportFunction = (): string => {
  const match = /^report\(\) \{\n[\s\S]*?^\}\n/m.exec(readFileSync(BOOTSTRAP, 'utf8'));
  if (!match) throw new Error('bootstrap.sh has no report() function');
  return match[0];
};

/** A scratch instance: deploy.json, a `cloud-init` that knows its instance id (or fails), a status dir. */
const scratch = (document: Record<string, unknown>, cloudInitWorks = true) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bootstrap-report-'));
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(
    path.join(bin, 'cloud-init'),
    cloudInitWorks ? `#!/bin/sh\necho ${INSTANCE}\n` : '#!/bin/sh\nexit 1\n',
  );
  chmodSync(path.join(bin, 'cloud-init'), 0o755);
  writeFileSync(path.join(dir, 'deploy.json'), JSON.stringify(document), { mode: 0o600 });
  return { dir, bin, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
};

/** Runs the script in a child process; asynchronously, so this process's HTTP server can answer it. */
const runReport = (
  dir: string,
  bin: string,
  status: string,
  step: string,
): Promise<{ status: number | null; output: string }> => {
  const script = [
    'set -Eeuo pipefail',
    `BRANCH_ENVS_DEPLOY_JSON=${dir}/deploy.json`,
    `status_file=${dir}/status/status.json`,
    `step=${step}`,
    reportFunction(),
    `report ${status}`,
  ].join('\n');
  const child = spawn('bash', ['-c', script], {
    env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
    timeout: 60_000,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ status: code, output })));
};

describe("bootstrap.sh's report, against the phone-home route", () => {
  let route: Awaited<ReturnType<typeof phoneHomeServer>>;
  const calls: { report: PhoneHomeReport; token: string }[] = [];
  let answers: (PhoneHomeOutcome | Error)[] = [];

  beforeAll(async () => {
    const phoneHome = {
      async handle(report: PhoneHomeReport, token: string): Promise<PhoneHomeOutcome> {
        calls.push({ report, token });
        const answer = answers.shift() ?? { kind: 'done', outcome: 'ready' };
        if (answer instanceof Error) throw answer;
        return answer;
      },
    };
    const logger = new Logger({ serviceName: 'provisioner-test', logLevel: 'SILENT' });
    route = await phoneHomeServer(createPhoneHomeHandler({ phoneHome, logger }));
  });
  afterAll(() => route.close());
  beforeEach(() => {
    calls.length = 0;
    route.heard.length = 0;
    answers = [];
  });

  it('posts the status with the bearer token, which the handler accepts', async () => {
    // Prepare
    const deployId = newId();
    const box = scratch({ deployId, phoneHomeUrl: `${route.url}/${deployId}`, phoneHomeToken: TOKEN });

    // Act
    const result = await runReport(box.dir, box.bin, 'ready', 'start-app');

    // Assess
    try {
      expect(result.status).toBe(0);
      expect(calls).toEqual([
        { token: TOKEN, report: { deployId, instanceId: INSTANCE, status: 'ready', step: 'start-app' } },
      ]);
      expect(route.heard.map((h) => h.status)).toEqual([200]);
      expect(JSON.parse(readFileSync(`${box.dir}/status/status.json`, 'utf8'))).toEqual({
        status: 'ready',
        step: 'start-app',
      });
      expect(result.output).not.toContain(TOKEN);
    } finally {
      box.cleanup();
    }
  });

  it('reports a failure without the instance id when cloud-init cannot say it', async () => {
    // Prepare
    const deployId = newId();
    const box = scratch({ deployId, phoneHomeUrl: `${route.url}/${deployId}`, phoneHomeToken: TOKEN }, false);

    // Act
    const result = await runReport(box.dir, box.bin, 'failed', 'restore-db');

    // Assess
    try {
      expect(result.status).toBe(0);
      expect(calls.map((c) => c.report)).toEqual([{ deployId, status: 'failed', step: 'restore-db' }]);
    } finally {
      box.cleanup();
    }
  });

  it('retries while the route answers 503, and stops once it is heard', async () => {
    // Prepare
    answers = [new Error('DynamoDB is throttling')];
    const deployId = newId();
    const box = scratch({ deployId, phoneHomeUrl: `${route.url}/${deployId}`, phoneHomeToken: TOKEN });

    // Act
    const result = await runReport(box.dir, box.bin, 'ready', 'start-app');

    // Assess
    try {
      expect(result.status).toBe(0);
      expect(route.heard.map((h) => h.status)).toEqual([503, 200]);
    } finally {
      box.cleanup();
    }
  });

  it('sends nothing while booting, or when phone-home is off', async () => {
    // Prepare
    const deployId = newId();
    const off = scratch({ deployId, phoneHomeUrl: null, phoneHomeToken: null });
    const on = scratch({ deployId, phoneHomeUrl: `${route.url}/${deployId}`, phoneHomeToken: TOKEN });

    // Act
    const results = [
      await runReport(off.dir, off.bin, 'ready', 'start-app'),
      await runReport(on.dir, on.bin, 'booting', 'boot'),
    ];

    // Assess
    try {
      expect(results.map((r) => r.status)).toEqual([0, 0]);
      expect(route.heard).toEqual([]);
      expect(existsSync(`${off.dir}/status/status.json`)).toBe(true);
    } finally {
      off.cleanup();
      on.cleanup();
    }
  });
});
