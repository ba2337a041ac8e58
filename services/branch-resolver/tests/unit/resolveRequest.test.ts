import { BranchResolved } from '@branch-envs/shared/events/BranchResolved';
import type { ArtifactStore, DeploymentLookup, LiveDeployment } from '../../src/domain/ports';
import { requestAgeSeconds, resolveRequest } from '../../src/domain/resolveRequest';
import { deployRequested, deployRequestedV2, testSettings } from '../helpers/factories';
import { fakeGithub } from '../helpers/fakeGithubPort';

const NOW = new Date('2026-11-26T09:00:00Z');

const allArtifacts = (missing: string[] = []): ArtifactStore & { heads: string[] } => {
  const heads: string[] = [];
  return {
    bucket: 'branch-envs-test-artifacts',
    heads,
    head: async (key) => {
      heads.push(key);
      if (missing.some((m) => key.endsWith(m))) return undefined;
      const lastModified = new Date(key.endsWith('.jar') ? '2026-11-25T08:00:00Z' : '2026-11-25T09:00:00Z');
      return { key, lastModified, sizeBytes: key.length };
    },
  };
};

const deployments = (live?: LiveDeployment): DeploymentLookup & { asked: string[] } => {
  const asked: string[] = [];
  return {
    asked,
    liveDeploymentOf: async (branch) => {
      asked.push(branch);
      return live;
    },
    claimBranch: async (branch) => {
      asked.push(branch);
      return live;
    },
    markRejected: async () => {},
    priorRejection: async () => undefined,
  };
};

const request = (query: string, options: { fresh?: boolean; ageSeconds?: number } = {}) => {
  const { metadata, data } = deployRequested(query, { ...options, now: NOW });
  return { data, requestedAt: metadata.occurredAt, now: NOW };
};

describe('resolveRequest', () => {
  it('resolves a ticket id to BranchResolved with PR details, artifacts and the build age', async () => {
    // Prepare
    const artifacts = allArtifacts();
    const deps = { github: fakeGithub(), artifacts, deployments: deployments(), settings: testSettings() };
    const req = request('ABC-123');

    // Act
    const outcome = await resolveRequest(deps, req);

    // Assess
    expect(outcome.kind).toBe('resolved');
    const data = outcome.kind === 'resolved' ? outcome.data : undefined;
    expect(BranchResolved.data.parse(data)).toEqual(data);
    expect(data).toMatchObject({
      deployId: req.data.deployId,
      query: 'ABC-123',
      branch: 'feature/ABC-123-login-page',
      prNumber: 42,
      prTitle: 'ABC-123: New login page',
      prUrl: 'https://github.com/acme/shop/pull/42',
      author: 'alice',
      artifactBucket: 'branch-envs-test-artifacts',
      buildLastModified: '2026-11-25T08:00:00.000Z',
      ttlSeconds: req.data.ttlSeconds,
      owner: req.data.owner,
      replyTo: req.data.replyTo,
    });
    expect(data?.artifacts.map((a) => a.key)).toEqual([
      'build-artifacts/shop-feature/ABC-123-login-page.jar',
      'build-artifacts/shop-feature/ABC-123-login-page-config.edn',
      'build-artifacts/shop-feature/ABC-123-login-page-pgdump.gz',
    ]);
  });

  it('resolves a v2 request from its parsed query, not by reading its text again', async () => {
    // Prepare
    const github = fakeGithub();
    const deps = { github, artifacts: allArtifacts(), deployments: deployments(), settings: testSettings() };
    const { metadata, data } = deployRequestedV2('checkout', { now: NOW });
    const req = { data: { ...data, parsedQuery: { pull: 42 } }, requestedAt: metadata.occurredAt, now: NOW };

    // Act
    const outcome = await resolveRequest(deps, req);

    // Assess
    expect(outcome).toMatchObject({
      kind: 'resolved',
      data: { query: 'checkout', branch: 'feature/ABC-123-login-page', prNumber: 42 },
    });
  });

  it('resolves a v1 and a v2 request of the same query to the same branch', async () => {
    // Prepare
    const deps = () => ({
      github: fakeGithub(),
      artifacts: allArtifacts(),
      deployments: deployments(),
      settings: testSettings(),
    });
    const v2 = deployRequestedV2('ABC-123', { now: NOW });

    // Act
    const fromV1 = await resolveRequest(deps(), request('ABC-123'));
    const fromV2 = await resolveRequest(deps(), {
      data: v2.data,
      requestedAt: v2.metadata.occurredAt,
      now: NOW,
    });

    // Assess
    expect(fromV2).toMatchObject({ kind: 'resolved', data: { branch: 'feature/ABC-123-login-page' } });
    expect(fromV1.kind === 'resolved' && fromV1.data.branch).toBe('feature/ABC-123-login-page');
  });

  it('answers not_found without calling GitHub for a v1 query the shared grammar refuses', async () => {
    // Prepare
    const github = fakeGithub();
    const deps = { github, artifacts: allArtifacts(), deployments: deployments(), settings: testSettings() };

    // Act
    const outcome = await resolveRequest(deps, request('payment timeout'));

    // Assess
    expect(outcome).toEqual({
      kind: 'rejected',
      reason: {
        code: 'not_found',
        searched: 'nothing: "payment timeout" is not a branch fragment, ticket id, #PR or raw: search',
      },
    });
    expect(github.calls).toEqual([]);
  });

  it('answers expired_request for a request older than the configured age, before any GitHub call', async () => {
    // Prepare
    const github = fakeGithub();
    const deps = { github, artifacts: allArtifacts(), deployments: deployments(), settings: testSettings() };

    // Act
    const outcome = await resolveRequest(deps, request('ABC-123', { ageSeconds: 901 }));

    // Assess
    expect(outcome).toEqual({ kind: 'rejected', reason: { code: 'expired_request', ageSeconds: 901 } });
    expect(github.calls).toEqual([]);
  });

  it('handles a request exactly at the configured age', async () => {
    // Prepare
    const deps = {
      github: fakeGithub(),
      artifacts: allArtifacts(),
      deployments: deployments(),
      settings: testSettings(),
    };

    // Act
    const outcome = await resolveRequest(deps, request('ABC-123', { ageSeconds: 900 }));

    // Assess
    expect(outcome.kind).toBe('resolved');
  });

  it('answers already_running with the live deployment, without checking artifacts', async () => {
    // Prepare
    const live = {
      deployId: '01KB0W8J6QF3ZC9D2M4N5P7R9T',
      branch: 'feature/ABC-123-login-page',
      status: 'READY',
      url: 'http://10.0.0.5/',
      expiresAt: 1_764_150_000,
    };
    const artifacts = allArtifacts();
    const lookup = deployments(live);
    const deps = { github: fakeGithub(), artifacts, deployments: lookup, settings: testSettings() };

    // Act
    const outcome = await resolveRequest(deps, request('#42'));

    // Assess
    expect(outcome).toEqual({ kind: 'rejected', reason: { code: 'already_running', existing: live } });
    expect(lookup.asked).toEqual(['feature/ABC-123-login-page']);
    expect(artifacts.heads).toEqual([]);
  });

  it('does not look for a live deployment when the request asks for a fresh one', async () => {
    // Prepare
    const lookup = deployments({ deployId: '01KB0W8J6QF3ZC9D2M4N5P7R9T', branch: 'x', status: 'READY' });
    const deps = {
      github: fakeGithub(),
      artifacts: allArtifacts(),
      deployments: lookup,
      settings: testSettings(),
    };

    // Act
    const outcome = await resolveRequest(deps, request('#42', { fresh: true }));

    // Assess
    expect(outcome.kind).toBe('resolved');
    expect(lookup.asked).toEqual([]);
  });

  it('answers artifacts_missing naming the missing key', async () => {
    // Prepare
    const deps = {
      github: fakeGithub(),
      artifacts: allArtifacts(['-pgdump.gz']),
      deployments: deployments(),
      settings: testSettings(),
    };

    // Act
    const outcome = await resolveRequest(deps, request('DEMO-2'));

    // Assess
    expect(outcome).toEqual({
      kind: 'rejected',
      reason: {
        code: 'artifacts_missing',
        branch: 'fix/DEMO-2-missing-dump',
        missingKeys: ['build-artifacts/shop-fix/DEMO-2-missing-dump-pgdump.gz'],
      },
    });
  });

  it('passes ambiguous and not_found answers through', async () => {
    // Prepare
    const deps = {
      github: fakeGithub(),
      artifacts: allArtifacts(),
      deployments: deployments(),
      settings: testSettings(),
    };

    // Act
    const ambiguous = await resolveRequest(deps, request('cart'));
    const notFound = await resolveRequest({ ...deps, github: fakeGithub() }, request('zzz'));

    // Assess
    expect(ambiguous.kind === 'rejected' && ambiguous.reason.code).toBe('ambiguous');
    expect(notFound).toEqual({
      kind: 'rejected',
      reason: {
        code: 'not_found',
        searched: '"zzz" in the head branches of the 29 open pull requests in acme/shop',
      },
    });
  });

  it('resolves a branch without a pull request to null PR fields', async () => {
    // Prepare
    const settings = testSettings({ allowBranchWithoutPull: true });
    const deps = { github: fakeGithub(), artifacts: allArtifacts(), deployments: deployments(), settings };

    // Act
    const outcome = await resolveRequest(deps, request('experiment/no-pr-spike'));

    // Assess
    expect(outcome.kind === 'resolved' && outcome.data).toMatchObject({
      branch: 'experiment/no-pr-spike',
      prNumber: null,
      prTitle: null,
      prUrl: null,
      author: null,
    });
  });
});

describe('requestAgeSeconds', () => {
  it('counts a request from the future as zero seconds old', () => {
    expect(requestAgeSeconds('2026-11-26T09:00:10Z', NOW)).toBe(0);
    expect(requestAgeSeconds('2026-11-26T08:59:00.500Z', NOW)).toBe(59);
  });
});
