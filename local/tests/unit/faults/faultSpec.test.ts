import { describeRates, FaultSpecError, faultsArgument, parseFaultSpec } from '../../../src/faults/faultSpec';

describe('parseFaultSpec', () => {
  test('one rate applies to every dependency', () => {
    expect(parseFaultSpec('0.3')).toEqual({ aws: 0.3, github: 0.3, slack: 0.3, instance: 0.3 });
  });

  test('per dependency; the others stay clean', () => {
    expect(parseFaultSpec('aws=0.2, github=0.5,slack=0.3')).toEqual({
      aws: 0.2,
      github: 0.5,
      slack: 0.3,
      instance: 0,
    });
  });

  test.each([
    ['1.5', /from 0 to 1, not "1.5"/],
    ['lots', /not "lots"/],
    ['', /not ""/],
    [
      'aws=0.2,dynamo=0.1',
      /"dynamo=0.1" is not <dependency>=<rate>; dependencies are aws, github, slack, instance/,
    ],
    ['aws=-1', /the rate for aws must be a number from 0 to 1/],
    ['aws=0.1=2', /is not <dependency>=<rate>/],
  ])('%s is refused with the reason', (spec, message) => {
    expect(() => parseFaultSpec(spec)).toThrow(FaultSpecError);
    expect(() => parseFaultSpec(spec)).toThrow(message);
  });
});

describe('faultsArgument', () => {
  test('reads --faults <v> and --faults=<v>', () => {
    expect(faultsArgument(['node', 'start', '--faults', '0.3'])).toBe('0.3');
    expect(faultsArgument(['--faults=aws=0.2'])).toBe('aws=0.2');
    expect(faultsArgument(['--no-schedules'])).toBeUndefined();
  });

  test('a missing value is an error, not a silent clean run', () => {
    expect(() => faultsArgument(['--faults'])).toThrow(/--faults needs a value/);
    expect(() => faultsArgument(['--faults', '--crashes'])).toThrow(/--faults needs a value/);
  });
});

test('describeRates names every dependency in percent', () => {
  expect(describeRates(parseFaultSpec('aws=0.25'))).toBe('aws 25%, github 0%, slack 0%, instance 0%');
});
