import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import type { Profile } from '../../services/provisioner/src/domain/userData/profile';
import {
  EC2_USER_DATA_LIMIT_BYTES,
  type RenderedUserData,
  renderUserData,
} from '../../services/provisioner/src/domain/userData/renderUserData';
import type { UserDataInput } from '../../services/provisioner/src/domain/userData/userDataInput';
import {
  argvProfile,
  CLOUD_INIT_DIR,
  hostileBranchNames,
  loadProfile,
  minimalInput,
  profileNames,
  sampleInput,
} from '../../services/provisioner/tests/unit/userData/userDataFixtures';

/*
 * The checks that need the real tools: cloud-init, shellcheck, packer, bash and jq. A missing
 * tool fails its tests with the apt package to install; nothing is skipped.
 */

const REPO = path.resolve(__dirname, '../..');
const AMI_DIR = path.join(REPO, 'ami');
// biome-ignore lint/suspicious/noTemplateCurlyInString: shell text that must reach the app unevaluated.
const HOSTILE_JAVA_OPT = '-Dx=$(touch${IFS}pwned)';
const SCHEMA_CONCURRENCY = Math.max(1, Math.min(2, os.cpus().length));

interface Rendering {
  id: string;
  profile: string;
  branch: string;
  rendered: RenderedUserData;
  textFile: string;
  payloadFile: string;
}

interface CloudInitReading {
  id: string;
  contentTypes: string[];
  sameText: boolean;
  config: { write_files?: { path: string; content: string }[]; runcmd?: unknown[] };
  runcmdRoundTrip: boolean;
}

/** Fails with the package to install when a tool is missing, so CI never passes by skipping. */
function requireTool(command: string, args: string[], aptPackage: string): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new Error(
      `${command} is needed: apt-get install -y ${aptPackage} (${result.error?.message ?? result.stderr})`,
    );
  }
  return `${result.stdout}${result.stderr}`;
}

/** cloud-init's own Python, which may differ from the first python3 on PATH. */
function cloudInitPython(): string {
  requireTool('cloud-init', ['--version'], 'cloud-init');
  const where = spawnSync('sh', ['-c', 'command -v cloud-init'], { encoding: 'utf8' }).stdout.trim();
  const shebang = readFileSync(where, 'utf8').split('\n')[0] ?? '';
  return shebang.replace(/^#!\s*/, '').split(' ')[0] ?? 'python3';
}

function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
) {
  return spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
}

/** Runs commands a few at a time and returns the ones that failed, with their output. */
async function failures(commands: { label: string; command: string; args: string[] }[]): Promise<string[]> {
  const failed: string[] = [];
  const queue = [...commands];
  const worker = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const { label, command, args } = next;
      const outcome = await new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = spawn(command, args);
        let output = '';
        child.stdout.on('data', (chunk) => {
          output += chunk;
        });
        child.stderr.on('data', (chunk) => {
          output += chunk;
        });
        child.on('error', (error) => resolve({ code: -1, output: error.message }));
        child.on('close', (code) => resolve({ code, output }));
      });
      if (outcome.code !== 0) failed.push(`${label}: ${outcome.output.trim()}`);
    }
  };
  await Promise.all(Array.from({ length: SCHEMA_CONCURRENCY }, worker));
  return failed;
}

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith(suffix))
    .map((file) => path.join(dir, file))
    .sort();
}

const READ_BACK_PY = `
import json, shlex, sys
from cloudinit import helpers, safeyaml, user_data, util

work = sys.argv[1]
paths = helpers.Paths({"cloud_dir": work, "run_dir": work})
out = []
for item in json.load(sys.stdin):
    with open(item["payload"], "rb") as f:
        blob = f.read()
    with open(item["text"], encoding="utf-8") as f:
        text = f.read()
    parts = [p for p in user_data.UserDataProcessor(paths).process(blob).walk() if not p.is_multipart()]
    config = safeyaml.load(text)
    runcmd = config.get("runcmd", [])
    # cc_runcmd writes this script; parsing it back shows each list element stayed one word.
    body = util.shellify(runcmd).split("\\n", 1)[1]
    flat = [str(arg) for cmd in runcmd for arg in (cmd if isinstance(cmd, list) else [None])]
    out.append({
        "id": item["id"],
        "contentTypes": [p.get_content_type() for p in parts],
        "sameText": len(parts) == 1 and parts[0].get_payload(decode=True).decode("utf-8") == text,
        "config": config,
        "runcmdRoundTrip": all(isinstance(cmd, list) for cmd in runcmd) and shlex.split(body) == flat,
    })
json.dump(out, sys.stdout)
`;

describe('rendered user data', () => {
  const validNames = hostileBranchNames().filter((entry) => entry.validRef);
  let work: string;
  const renderings: Rendering[] = [];
  let readings = new Map<string, CloudInitReading>();

  function renderInto(id: string, profile: Profile, input: UserDataInput): Rendering {
    const rendered = renderUserData(profile, input);
    const textFile = path.join(work, `${id}.yaml`);
    const payloadFile = path.join(work, `${id}.payload`);
    writeFileSync(textFile, rendered.text);
    writeFileSync(payloadFile, Buffer.from(rendered.base64, 'base64'));
    return { id, profile: profile.name, branch: input.branch, rendered, textFile, payloadFile };
  }

  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'user-data-'));
    for (const name of profileNames()) {
      const profile = await loadProfile(name);
      const slug = name.replace('/', '-');
      renderings.push(renderInto(`${slug}-sample`, profile, sampleInput(name)));
      validNames.forEach((entry, index) => {
        renderings.push(
          renderInto(`${slug}-corpus-${index}`, profile, sampleInput(name, { branch: entry.name })),
        );
      });
    }
    validNames.forEach((entry, index) => {
      renderings.push(
        renderInto(`argv-corpus-${index}`, argvProfile(), minimalInput({ branch: entry.name })),
      );
    });

    const python = cloudInitPython();
    const manifest = renderings.map((r) => ({ id: r.id, payload: r.payloadFile, text: r.textFile }));
    const result = run(python, ['-c', READ_BACK_PY, work], { input: JSON.stringify(manifest) });
    if (result.status !== 0)
      throw new Error(`reading user data back with cloud-init failed: ${result.stderr}`);
    const parsed: CloudInitReading[] = JSON.parse(result.stdout);
    readings = new Map(parsed.map((reading) => [reading.id, reading]));
  }, 120_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('passes cloud-init schema for sample values and every valid hostile name, in every profile', async () => {
    // Prepare
    requireTool('cloud-init', ['--version'], 'cloud-init');
    const commands = renderings.map((r) => ({
      label: r.id,
      command: 'cloud-init',
      args: ['schema', '--config-file', r.textFile],
    }));

    // Act
    const failed = await failures(commands);

    // Assess
    expect(renderings.length).toBe(profileNames().length * (1 + validNames.length) + validNames.length);
    expect(failed).toEqual([]);
  }, 600_000);

  it('reaches cloud-init as the rendered text, whether the payload is plain or gzip', () => {
    // Act
    const wrong = renderings
      .map((r) => ({ id: r.id, reading: readings.get(r.id) }))
      .filter(({ reading }) => !reading?.sameText || reading.contentTypes.join() !== 'text/cloud-config');

    // Assess
    expect(renderings.some((r) => r.rendered.gzip)).toBe(true);
    expect(wrong).toEqual([]);
  });

  it('reads back in PyYAML to the values the yaml library set', () => {
    // Act
    const differing = renderings.filter(
      (r) =>
        JSON.stringify(readings.get(r.id)?.config) !==
        JSON.stringify(parse(r.rendered.text, { version: '1.1' })),
    );

    // Assess
    expect(differing.map((r) => r.id)).toEqual([]);
  });

  it('carries every hostile branch verbatim into deploy.json as cloud-init writes it', () => {
    // Act
    const wrong = renderings.filter((r) => {
      const deploy = readings
        .get(r.id)
        ?.config.write_files?.find((f) => f.path === '/etc/branch-envs/deploy.json');
      return deploy === undefined || JSON.parse(deploy.content).branch !== r.branch;
    });

    // Assess
    expect(wrong.map((r) => r.id)).toEqual([]);
  });

  it('keeps every runcmd argument one shell word in the script cloud-init generates', () => {
    // Act
    const broken = renderings.filter((r) => !readings.get(r.id)?.runcmdRoundTrip);
    const argvBranches = renderings
      .filter((r) => r.profile === 'test/argv')
      .filter((r) => (readings.get(r.id)?.config.runcmd?.[0] as unknown[] | undefined)?.[2] !== r.branch);

    // Assess
    expect(broken.map((r) => r.id)).toEqual([]);
    expect(argvBranches.map((r) => r.id)).toEqual([]);
  });

  it('passes bash -n on every script as cloud-init writes it', () => {
    // Prepare
    requireTool('bash', ['--version'], 'bash');
    const scripts = renderings
      .filter((r) => r.id.endsWith('-sample'))
      .flatMap((r) => (readings.get(r.id)?.config.write_files ?? []).map((file) => ({ id: r.id, ...file })))
      .filter((file) => file.path.endsWith('.sh') || file.content.startsWith('#!'));

    // Act
    const failed = scripts.filter((file) => run('bash', ['-n'], { input: file.content }).status !== 0);

    // Assess
    expect(scripts.length).toBeGreaterThanOrEqual(12);
    expect(failed.map((file) => `${file.id}:${file.path}`)).toEqual([]);
  });

  it('fits EC2 16 KB user-data limit, and reports the sizes', () => {
    // Act
    const rows = profileNames().map((name) => {
      const ofProfile = renderings.filter((r) => r.profile === name);
      const sample = ofProfile.find((r) => r.id.endsWith('-sample'));
      const largest = Math.max(...ofProfile.map((r) => r.rendered.byteLength));
      return {
        profile: name,
        sampleText: Buffer.byteLength(sample?.rendered.text ?? ''),
        samplePayload: sample?.rendered.byteLength,
        sampleGzip: sample?.rendered.gzip,
        largestCorpusPayload: largest,
        limit: EC2_USER_DATA_LIMIT_BYTES,
      };
    });
    console.table(rows);

    // Assess
    expect(renderings.filter((r) => r.rendered.byteLength > EC2_USER_DATA_LIMIT_BYTES)).toEqual([]);
  });
});

describe('shell scripts', () => {
  it('pass shellcheck with no findings', () => {
    // Prepare
    requireTool('shellcheck', ['--version'], 'shellcheck');
    const scripts = [...filesUnder(CLOUD_INIT_DIR, '.sh'), ...filesUnder(AMI_DIR, '.sh')];

    // Act
    const result = run('shellcheck', ['--format=gcc', '--', ...scripts]);

    // Assess
    expect(scripts.length).toBeGreaterThanOrEqual(12);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('run-app.sh', () => {
  let work: string;

  beforeEach(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'run-app-'));
  });

  afterEach(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('hands every setting to the app unchanged and splits JAVA_OPTS without globbing or evaluating', () => {
    // Prepare
    requireTool('jq', ['--version'], 'jq');
    const settings: Record<string, string> = {
      APP_JAR: '/opt/branch-envs/app/app.jar',
      JAVA_OPTS: `-Xmx1g ${HOSTILE_JAVA_OPT} *`,
      MULTILINE: 'one\ntwo "three"\n\tfour=five\n',
    };
    hostileBranchNames()
      .filter((entry) => entry.validRef)
      .forEach((entry, index) => {
        settings[`BRANCH_${index}`] = entry.name;
      });
    writeFileSync(path.join(work, 'app-env.json'), JSON.stringify(settings));
    mkdirSync(path.join(work, 'bin'));
    const fakeJava = path.join(work, 'bin', 'java');
    writeFileSync(
      fakeJava,
      '#!/bin/bash\nenv -0 >"$JAVA_ENV_OUT"\nprintf \'%s\\0\' "$@" >"$JAVA_ARGS_OUT"\n',
    );
    chmodSync(fakeJava, 0o755);

    // Act
    const result = run('bash', [path.join(CLOUD_INIT_DIR, 'profiles/jvm-postgres/scripts/run-app.sh')], {
      cwd: work,
      env: {
        PATH: `${path.join(work, 'bin')}:/usr/bin:/bin`,
        BRANCH_ENVS_APP_ENV_JSON: path.join(work, 'app-env.json'),
        JAVA_ENV_OUT: path.join(work, 'env'),
        JAVA_ARGS_OUT: path.join(work, 'args'),
      },
    });

    // Assess
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const env = Object.fromEntries(
      readFileSync(path.join(work, 'env'), 'utf8')
        .split('\0')
        .filter(Boolean)
        .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
    );
    expect(env).toMatchObject(settings);
    expect(readFileSync(path.join(work, 'args'), 'utf8').split('\0').slice(0, -1)).toEqual([
      '-Xmx1g',
      HOSTILE_JAVA_OPT,
      '*',
      '-jar',
      '/opt/branch-envs/app/app.jar',
    ]);
    expect(readdirSync(work)).not.toContain('pwned');
  });
});

describe('fetch-artifacts.sh', () => {
  let work: string;

  beforeEach(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'fetch-'));
    mkdirSync(path.join(work, 'bin'));
    const fakeAws = path.join(work, 'bin', 'aws');
    // Records its argv and "downloads" a fixed text to the destination.
    writeFileSync(fakeAws, '#!/bin/bash\nprintf \'%s\\0\' "$@" >>"$AWS_ARGS_OUT"\nprintf artifact >"$5"\n');
    chmodSync(fakeAws, 0o755);
  });

  afterEach(() => {
    rmSync(work, { recursive: true, force: true });
  });

  function fetch(sha256: string): {
    status: number | null;
    stderr: string;
    urls: string[];
    input: UserDataInput;
  } {
    const names = hostileBranchNames().filter((entry) => entry.validRef);
    const input = minimalInput({
      artifacts: names.map((entry, index) => ({
        name: `a${index}`,
        url: `s3://bucket/build-artifacts/app-${entry.name}.jar`,
        sha256,
        dest: path.join(work, 'app', `a${index}.jar`),
      })),
    });
    const config = parse(renderUserData(argvProfile(), input).text, { version: '1.1' });
    writeFileSync(path.join(work, 'deploy.json'), config.write_files[0].content);
    const result = run(
      'bash',
      [path.join(CLOUD_INIT_DIR, 'profiles/jvm-postgres/scripts/fetch-artifacts.sh')],
      {
        env: {
          PATH: `${path.join(work, 'bin')}:/usr/bin:/bin`,
          BRANCH_ENVS_DEPLOY_JSON: path.join(work, 'deploy.json'),
          AWS_ARGS_OUT: path.join(work, 'aws-args'),
        },
      },
    );
    const args = readFileSync(path.join(work, 'aws-args'), 'utf8').split('\0');
    const urls = args.filter((arg) => arg.startsWith('s3://'));
    return { status: result.status, stderr: result.stderr, urls, input };
  }

  it('passes each s3 URI to the AWS CLI as one argument and keeps files whose SHA-256 matches', () => {
    // Prepare
    requireTool('jq', ['--version'], 'jq');
    const sha256 = createHash('sha256').update('artifact').digest('hex');

    // Act
    const outcome = fetch(sha256);

    // Assess
    expect(outcome.stderr).toBe('');
    expect(outcome.status).toBe(0);
    expect(outcome.urls).toEqual(outcome.input.artifacts.map((artifact) => artifact.url));
    expect(readdirSync(path.join(work, 'app')).sort()).toEqual(
      outcome.input.artifacts.map((artifact) => path.basename(artifact.dest)).sort(),
    );
  });

  it('fails the boot when a SHA-256 does not match, and keeps no file', () => {
    // Prepare
    requireTool('jq', ['--version'], 'jq');

    // Act
    const outcome = fetch('0'.repeat(64));

    // Assess
    expect(outcome.status).toBe(1);
    expect(outcome.stderr).toContain(
      `artifact a0: SHA-256 is ${createHash('sha256').update('artifact').digest('hex')}`,
    );
    expect(readdirSync(path.join(work, 'app'))).toEqual([]);
  });
});

describe('publish-ami-id.sh', () => {
  it('writes the AMI of the last Packer run to /branch-envs/<stage>/ami-id in each of its regions', () => {
    // Prepare
    requireTool('jq', ['--version'], 'jq');
    const work = mkdtempSync(path.join(os.tmpdir(), 'publish-'));
    mkdirSync(path.join(work, 'bin'));
    writeFileSync(
      path.join(work, 'bin', 'aws'),
      '#!/bin/bash\nprintf \'%s \' "$@" >>"$AWS_ARGS_OUT"\necho >>"$AWS_ARGS_OUT"\n',
    );
    chmodSync(path.join(work, 'bin', 'aws'), 0o755);
    writeFileSync(
      path.join(work, 'manifest.json'),
      JSON.stringify({
        builds: [
          { packer_run_uuid: 'old', artifact_id: 'eu-north-1:ami-0000000000000000a' },
          {
            packer_run_uuid: 'new',
            artifact_id: 'eu-north-1:ami-0123456789abcdef0,eu-west-1:ami-0fedcba9876543210',
          },
        ],
        last_run_uuid: 'new',
      }),
    );

    // Act
    const result = run('bash', [path.join(AMI_DIR, 'scripts/publish-ami-id.sh'), 'dev', 'manifest.json'], {
      cwd: work,
      env: { PATH: `${path.join(work, 'bin')}:/usr/bin:/bin`, AWS_ARGS_OUT: path.join(work, 'aws-args') },
    });

    // Assess
    const calls = readFileSync(path.join(work, 'aws-args'), 'utf8').split('\n').filter(Boolean);
    rmSync(work, { recursive: true, force: true });
    expect(result.status).toBe(0);
    expect(calls).toEqual([
      'ssm put-parameter --region eu-north-1 --name /branch-envs/dev/ami-id --type String --data-type aws:ec2:image --value ami-0123456789abcdef0 --overwrite ',
      'ssm put-parameter --region eu-west-1 --name /branch-envs/dev/ami-id --type String --data-type aws:ec2:image --value ami-0fedcba9876543210 --overwrite ',
    ]);
  });
});

describe('Packer template', () => {
  it('passes packer validate -syntax-only and packer fmt -check', () => {
    // Prepare: plugins cannot be installed offline, so validation stops at syntax. Packer before
    // 1.7 cannot read plugins.pkr.hcl (required_plugins), so it validates the main file alone.
    const version = requireTool('packer', ['version'], 'packer');
    const [major = 0, minor = 0] = (/v?(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number);
    const target = major > 1 || (major === 1 && minor >= 7) ? '.' : 'branch-envs.pkr.hcl';

    // Act
    const validate = run('packer', ['validate', '-syntax-only', target], { cwd: AMI_DIR });
    const format = run('packer', ['fmt', '-check', '-diff', '.'], { cwd: AMI_DIR });

    // Assess
    expect(validate.stderr).toBe('');
    expect(validate.status).toBe(0);
    expect(format.stdout + format.stderr).toBe('');
    expect(format.status).toBe(0);
  });
});
