import type { LaunchAttempt } from '../../../src/domain/ports';
import { launchAttempts, launchWithFallback } from '../../../src/domain/provision/launchPlan';
import { CapacityError, LaunchError } from '../../../src/errors';

const instance = (attempt: LaunchAttempt) => ({
  instanceId: 'i-0abc123def4567890',
  instanceType: attempt.instanceType,
  market: attempt.market,
});

describe('launch attempts', () => {
  it('tries the preferred type in every subnet before the next type', () => {
    // Act
    const attempts = launchAttempts({
      instanceTypes: ['t3.medium', 'm6i.large'],
      subnetIds: ['subnet-a', 'subnet-b'],
      capacity: 'on-demand',
    });

    // Assess
    expect(attempts).toEqual([
      { instanceType: 't3.medium', market: 'on-demand', subnetId: 'subnet-a' },
      { instanceType: 't3.medium', market: 'on-demand', subnetId: 'subnet-b' },
      { instanceType: 'm6i.large', market: 'on-demand', subnetId: 'subnet-a' },
      { instanceType: 'm6i.large', market: 'on-demand', subnetId: 'subnet-b' },
    ]);
  });

  it('tries each type once in the default VPC when no subnet is configured', () => {
    // Act + Assess
    expect(
      launchAttempts({ instanceTypes: ['t3.medium', 'm6i.large'], subnetIds: [], capacity: 'on-demand' }),
    ).toEqual([
      { instanceType: 't3.medium', market: 'on-demand' },
      { instanceType: 'm6i.large', market: 'on-demand' },
    ]);
  });

  it('with spot-then-on-demand, tries Spot in every AZ, then on-demand, then the next type', () => {
    // Act
    const attempts = launchAttempts({
      instanceTypes: ['t3.medium', 'm6i.large'],
      subnetIds: ['subnet-a', 'subnet-b'],
      capacity: 'spot-then-on-demand',
    }).map(({ instanceType, market, subnetId }) => `${instanceType} ${market} ${subnetId}`);

    // Assess
    expect(attempts).toEqual([
      't3.medium spot subnet-a',
      't3.medium spot subnet-b',
      't3.medium on-demand subnet-a',
      't3.medium on-demand subnet-b',
      'm6i.large spot subnet-a',
      'm6i.large spot subnet-b',
      'm6i.large on-demand subnet-a',
      'm6i.large on-demand subnet-b',
    ]);
  });

  it('with spot, never falls back to on-demand', () => {
    // Act + Assess
    expect(
      launchAttempts({ instanceTypes: ['t3.medium', 'm6i.large'], subnetIds: [], capacity: 'spot' }),
    ).toEqual([
      { instanceType: 't3.medium', market: 'spot' },
      { instanceType: 'm6i.large', market: 'spot' },
    ]);
  });

  it("lets a deploy's own --on-demand or --spot override the stage's capacity", () => {
    // Prepare
    const settings = {
      instanceTypes: ['t3.medium'],
      subnetIds: [],
      capacity: 'spot-then-on-demand' as const,
    };

    // Act + Assess
    expect(launchAttempts(settings, 'on-demand')).toEqual([
      { instanceType: 't3.medium', market: 'on-demand' },
    ]);
    expect(launchAttempts(settings, 'spot')).toEqual([{ instanceType: 't3.medium', market: 'spot' }]);
  });
});

describe('launching with fallback', () => {
  const attempts = launchAttempts({
    instanceTypes: ['t3.medium', 'm6i.large'],
    subnetIds: ['subnet-a', 'subnet-b'],
    capacity: 'on-demand',
  });

  it('moves on after InsufficientInstanceCapacity and Unsupported, in order', async () => {
    // Prepare
    const tried: string[] = [];
    const run = async (attempt: LaunchAttempt, index: number) => {
      tried.push(`${index}:${attempt.instanceType}@${attempt.subnetId}`);
      if (index === 0) throw new CapacityError('InsufficientInstanceCapacity', 'none');
      if (index === 1) throw new CapacityError('Unsupported', 'not here');
      return instance(attempt);
    };

    // Act
    const launched = await launchWithFallback(attempts, run);

    // Assess
    expect(launched.instanceType).toBe('m6i.large');
    expect(tried).toEqual(['0:t3.medium@subnet-a', '1:t3.medium@subnet-b', '2:m6i.large@subnet-a']);
  });

  it.each([
    'InsufficientInstanceCapacity',
    'SpotMaxPriceTooLow',
    'MaxSpotInstanceCountExceeded',
  ])('falls back from Spot to on-demand of the same type on %s', async (code) => {
    // Prepare
    const plan = launchAttempts({
      instanceTypes: ['t3.medium', 'm6i.large'],
      subnetIds: [],
      capacity: 'spot-then-on-demand',
    });
    const run = async (attempt: LaunchAttempt) => {
      if (attempt.market === 'spot') throw new CapacityError(code, 'no Spot');
      return instance(attempt);
    };

    // Act
    const launched = await launchWithFallback(plan, run);

    // Assess
    expect(launched).toMatchObject({ instanceType: 't3.medium', market: 'on-demand' });
  });

  it('stops at the first permanent error, whatever is left to try', async () => {
    // Prepare
    let calls = 0;
    const run = async () => {
      calls += 1;
      throw new LaunchError('InvalidAMIID.NotFound', 'gone', 'fix AMI_ID');
    };

    // Act + Assess
    await expect(launchWithFallback(attempts, run)).rejects.toMatchObject({
      ec2Code: 'InvalidAMIID.NotFound',
    });
    expect(calls).toBe(1);
  });

  it('lists everything it tried when no choice had capacity', async () => {
    // Prepare
    const run = async () => {
      throw new CapacityError('InsufficientInstanceCapacity', 'none');
    };

    // Act
    const failure = await launchWithFallback(attempts, run).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(LaunchError);
    expect(failure).not.toBeInstanceOf(CapacityError);
    expect((failure as LaunchError).message).toContain(
      'm6i.large on-demand in subnet-b (InsufficientInstanceCapacity)',
    );
    expect((failure as LaunchError).fix).toContain('INSTANCE_TYPES');
  });
});
