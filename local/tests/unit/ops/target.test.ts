import { OpsUsageError, resolveTarget } from '../../../src/ops/target';

describe('resolveTarget', () => {
  it('takes the stage and region as given', () => {
    expect(resolveTarget({ stage: 'prod', region: 'eu-west-1' }, {})).toEqual({
      stage: 'prod',
      region: 'eu-west-1',
    });
  });

  it('falls back to AWS_REGION, then AWS_DEFAULT_REGION, as the SDK does', () => {
    expect(resolveTarget({ stage: 'dev' }, { AWS_REGION: 'eu-north-1' }).region).toBe('eu-north-1');
    expect(resolveTarget({ stage: 'dev' }, { AWS_DEFAULT_REGION: 'us-east-1' }).region).toBe('us-east-1');
  });

  it('asks for a stage, a valid stage name and a region', () => {
    expect(() => resolveTarget({}, {})).toThrow(/--stage <stage>, or --local/);
    expect(() => resolveTarget({ stage: 'Prod!' }, {})).toThrow(OpsUsageError);
    expect(() => resolveTarget({ stage: 'dev' }, {})).toThrow(/--region <region>/);
  });

  it('refuses --local with another stage', () => {
    expect(() => resolveTarget({ local: true, stage: 'prod' }, {})).toThrow(/--local is the stage "local"/);
  });

  it('says how to start the stack when --local finds none running', () => {
    expect(() => resolveTarget({ local: true, stateDir: '/nonexistent-ops-state' }, {})).toThrow(/npm start/);
  });
});
