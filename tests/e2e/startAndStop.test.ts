import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../../local/src/templates/packaging';

/** Every process below `pid`, so the test can check that Ctrl-C left none of them behind. */
const childrenOf = (pid: number): string => {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  } catch {
    return ''; // ps exits 1 when there are none
  }
};

const descendants = (pid: number): number[] =>
  childrenOf(pid)
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((child) => child > 0)
    .flatMap((child) => [child, ...descendants(child)]);

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const waitForOutput = (child: ChildProcess, text: string, timeoutMs: number): Promise<string> =>
  new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`no "${text}" within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(text)) {
        clearTimeout(timer);
        resolve(output);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code} before "${text}":\n${output}`)));
  });

describe('npm start', () => {
  it('comes up in the foreground and leaves no process behind after Ctrl-C', async () => {
    // Prepare: its own process group, so SIGINT reaches every process the way a terminal's Ctrl-C does.
    const stateDir = mkdtempSync(join(tmpdir(), 'branch-envs-state-'));
    const tsx = pathToFileURL(require.resolve('tsx')).href;
    const child = spawn(process.execPath, ['--import', tsx, join(REPO_ROOT, 'local', 'src', 'start.ts')], {
      cwd: REPO_ROOT,
      detached: true,
      env: { ...process.env, BRANCH_ENVS_STATE_DIR: stateDir, LOCAL_SCHEDULES: 'off', LOCAL_PREWARM: 'none' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await waitForOutput(child, 'local stack is up', 90_000);
      const endpoints = JSON.parse(readFileSync(join(stateDir, 'endpoints.json'), 'utf8')) as {
        pid: number;
        controlUrl: string;
      };
      const running = descendants(child.pid ?? 0);

      // Act
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      process.kill(-(child.pid ?? 0), 'SIGINT');
      const code = await exited;

      // Assess
      expect(endpoints.pid).toBe(child.pid);
      expect(running.length).toBeGreaterThan(0);
      expect(code).toBe(0);
      expect(running.filter(alive)).toEqual([]);
      expect(existsSync(join(stateDir, 'endpoints.json'))).toBe(false);
    } finally {
      if (child.exitCode === null) process.kill(-(child.pid ?? 0), 'SIGKILL');
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 120_000);
});
