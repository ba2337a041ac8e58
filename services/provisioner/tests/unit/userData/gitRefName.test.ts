import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InvalidBranchNameError } from '../../../src/domain/userData/errors';
import { assertValidBranchName, branchNameProblem } from '../../../src/domain/userData/gitRefName';
import { hostileBranchNames } from './userDataFixtures';

/** Runs the real `git check-ref-format --branch` outside any repository, as a provisioner would. */
function gitAccepts(cwd: string, name: string): boolean {
  const result = spawnSync('git', ['check-ref-format', '--branch', name], {
    cwd,
    env: { ...process.env, GIT_CEILING_DIRECTORIES: path.dirname(cwd) },
  });
  if (result.error)
    throw new Error(`git is needed for this test (apt-get install -y git): ${result.error.message}`);
  return result.status === 0;
}

/** Short names built from the characters git cares about, so every rule meets its neighbours. */
function generatedNames(count: number): string[] {
  const alphabet = [
    'a',
    'b',
    '.',
    '/',
    '@',
    '{',
    '}',
    '-',
    'lock',
    '~',
    ':',
    ' ',
    '\t',
    '*',
    '\\',
    'é',
    'HEAD',
  ];
  let state = 7;
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    let name = '';
    const length = 1 + (i % 7);
    for (let j = 0; j < length; j++) {
      state = (state * 1103515245 + 12345) % 2147483648;
      name += alphabet[state % alphabet.length];
    }
    names.push(name);
  }
  return names;
}

describe('branchNameProblem', () => {
  let cwd: string;

  beforeAll(() => {
    cwd = mkdtempSync(path.join(os.tmpdir(), 'git-ref-'));
  });

  afterAll(() => {
    rmSync(cwd, { recursive: true, force: true });
  });

  it('agrees with git check-ref-format --branch on every name of the corpus that git can receive', () => {
    // Prepare: a NUL cannot be passed to a process, so git never sees such a name.
    const corpus = hostileBranchNames().filter((entry) => !entry.name.includes('\0'));

    // Act
    const disagreements = corpus
      .map((entry) => ({
        name: entry.name,
        git: gitAccepts(cwd, entry.name),
        ours: branchNameProblem(entry.name),
      }))
      .filter((verdict) => verdict.git !== (verdict.ours === undefined));

    // Assess
    expect(corpus.length).toBeGreaterThan(100);
    expect(disagreements).toEqual([]);
  }, 60_000);

  it('agrees with git on generated names that mix every rule', () => {
    // Prepare
    const names = generatedNames(250);

    // Act
    const verdicts = names.map((name) => ({
      name,
      git: gitAccepts(cwd, name),
      ours: branchNameProblem(name),
    }));

    // Assess: both outcomes occur, and git and the port never disagree.
    expect(verdicts.filter((verdict) => verdict.git).length).toBeGreaterThan(25);
    expect(verdicts.filter((verdict) => !verdict.git).length).toBeGreaterThan(25);
    expect(verdicts.filter((verdict) => verdict.git !== (verdict.ours === undefined))).toEqual([]);
  }, 60_000);

  it('matches the validRef mark of every corpus entry', () => {
    // Prepare
    const corpus = hostileBranchNames();

    // Act
    const mismatches = corpus.filter(
      (entry) => entry.validRef !== (branchNameProblem(entry.name) === undefined),
    );

    // Assess
    expect(mismatches).toEqual([]);
  });

  it('refuses a NUL, which git could never receive', () => {
    // Act
    const problem = branchNameProblem('a\0b');

    // Assess
    expect(problem).toBe('contains the control character U+0000');
  });

  it('refuses a lone surrogate, which has no UTF-8 form', () => {
    // Act
    const problem = branchNameProblem('feat/\uD800x');

    // Assess
    expect(problem).toBe('is not valid Unicode (lone surrogate)');
  });

  it('accepts an astral character, whose surrogates come in a pair', () => {
    // Act
    const problem = branchNameProblem('feat/🚀');

    // Assess
    expect(problem).toBeUndefined();
  });
});

describe('assertValidBranchName', () => {
  it('throws an InvalidBranchNameError that names the broken rule', () => {
    // Act
    const act = () => assertValidBranchName('feat..x');

    // Assess
    expect(act).toThrow(InvalidBranchNameError);
    expect(act).toThrow('"feat..x" is not a valid git branch name: it contains ".."');
  });

  it('keeps the branch and the reason on the error for the rejection message', () => {
    // Act
    let caught: unknown;
    try {
      assertValidBranchName('-rf');
    } catch (error) {
      caught = error;
    }

    // Assess
    expect(caught).toBeInstanceOf(InvalidBranchNameError);
    expect(caught).toMatchObject({
      name: 'InvalidBranchNameError',
      branch: '-rf',
      reason: 'starts with "-"',
    });
  });
});
