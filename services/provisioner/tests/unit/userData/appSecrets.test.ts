import { deployDocumentOf } from '@branch-envs/shared/userData';
import { appSecretsLocation, SSM_MAX_LEVELS } from '../../../src/domain/userData/appSecrets';
import { renderUserData } from '../../../src/domain/userData/renderUserData';
import { argvProfile, hostileBranchNames, minimalInput } from './userDataFixtures';

/** SSM's own rule for a parameter name: these characters, `/` between levels. */
const SSM_NAME = /^\/[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/;

const deployJsonOf = (text: string): Record<string, unknown> => {
  const deploy = deployDocumentOf(text);
  if (deploy === undefined) throw new Error('no deploy.json in the rendering');
  return deploy;
};

describe('appSecretsLocation', () => {
  it('names the app path and the branch override path of an ordinary branch', () => {
    // Act
    const location = appSecretsLocation('prod', 'shop', 'feature/login-page');

    // Assess
    expect(location).toEqual({
      path: '/branch-envs/prod/apps/shop',
      branchPath: '/branch-envs/prod/apps/shop/branches/feature/login-page',
      branchSkipped: null,
    });
  });

  it('looks up no override for a branch with a character SSM names do not allow', () => {
    // Act
    const location = appSecretsLocation('prod', 'shop', 'feat/$(reboot)');

    // Assess
    expect(location).toEqual({
      path: '/branch-envs/prod/apps/shop',
      branchPath: null,
      branchSkipped: 'invalid_characters',
    });
  });

  it('looks up no override when a parameter under the branch would pass 15 levels', () => {
    // Prepare: /branch-envs/prod/apps/shop/branches is 5 levels and <NAME> one more.
    const fits = Array.from({ length: SSM_MAX_LEVELS - 6 }, (_, i) => `s${i}`).join('/');

    // Act
    const deepest = appSecretsLocation('prod', 'shop', fits);
    const tooDeep = appSecretsLocation('prod', 'shop', `${fits}/one-more`);

    // Assess
    expect(deepest.branchPath).toBe(`/branch-envs/prod/apps/shop/branches/${fits}`);
    expect(tooDeep).toMatchObject({ branchPath: null, branchSkipped: 'too_deep' });
  });

  it.each(
    hostileBranchNames().filter((entry) => entry.validRef),
  )('gives $note ($name) either a path SSM accepts or a reason for none', ({ name }) => {
    // Act
    const location = appSecretsLocation('prod', 'shop', name);

    // Assess
    if (location.branchPath === null) {
      expect(location.branchSkipped).toBe('invalid_characters');
      expect(name).not.toMatch(/^[A-Za-z0-9_.\-/]+$/);
    } else {
      expect(`${location.branchPath}/API_KEY`).toMatch(SSM_NAME);
      expect(location.branchPath).toBe(`/branch-envs/prod/apps/shop/branches/${name}`);
    }
  });
});

describe('the secrets location in deploy.json', () => {
  it('carries the stage, and the paths but never a value', () => {
    // Act
    const rendered = renderUserData(argvProfile(), minimalInput({ stage: 'dev', branch: 'a;reboot' }));

    // Assess
    const deploy = deployJsonOf(rendered.text);
    expect(deploy.stage).toBe('dev');
    expect(deploy.secrets).toEqual({
      path: '/branch-envs/dev/apps/shop',
      branchPath: null,
      branchSkipped: 'invalid_characters',
    });
  });

  it('refuses a stage that is not one SSM level', () => {
    // Act
    const render = () => renderUserData(argvProfile(), minimalInput({ stage: 'dev/other' }));

    // Assess
    expect(render).toThrow(/stage/);
  });
});
