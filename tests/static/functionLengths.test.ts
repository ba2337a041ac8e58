import { join } from 'node:path';
import { functionLengthsOf, repositoryFunctionLengths } from '../../scripts/functionLengths';

/**
 * Issue 13's limits on the deployed sources: no function over 40 lines of its own (lines outside the
 * functions nested in it), and none in the provisioner's domain over 60 lines in total, so that no
 * use case hides its states in one closure again. `npx tsx scripts/functionLengths.ts` lists them.
 */
const all = repositoryFunctionLengths(join(__dirname, '..', '..'));
const describe_ = (f: { file: string; line: number; name: string }) => `${f.file}:${f.line} ${f.name}`;

describe('function lengths in shared/src and services/*/src', () => {
  it('measures own lines apart from nested functions', () => {
    // Prepare: a 7-line function holding a 3-line one
    const source =
      'const outer = () => {\n  const a = 1;\n  const inner = () => {\n    return a;\n  };\n  return inner();\n};\n';

    // Act
    const [outer, inner] = functionLengthsOf('x.ts', source);

    // Assess
    expect(outer).toMatchObject({ name: 'outer', total: 7, own: 4 });
    expect(inner).toMatchObject({ name: 'inner', total: 3, own: 3 });
  });

  it('finds the functions of every service and of shared', () => {
    // Assess
    const roots = new Set(
      all.map((f) =>
        f.file
          .split('/')
          .slice(0, f.file.startsWith('shared') ? 1 : 2)
          .join('/'),
      ),
    );
    expect([...roots].sort()).toEqual([
      'services/branch-resolver',
      'services/github-ingress',
      'services/notifier',
      'services/provisioner',
      'services/reaper',
      'services/slack-ingress',
      'shared',
    ]);
  });

  it('has no function with more than 40 lines of its own', () => {
    // Assess
    expect(all.filter((f) => f.own > 40).map(describe_)).toEqual([]);
  });

  it('has no function in the provisioner’s domain longer than 60 lines in total', () => {
    // Assess
    const domain = all.filter((f) => f.file.startsWith('services/provisioner/src/domain/'));
    expect(domain.length).toBeGreaterThan(20);
    expect(domain.filter((f) => f.total > 60).map(describe_)).toEqual([]);
  });
});
