import { branchOptions, deployFormView, lifetimeChoices } from '../../src/domain/deployForm';
import { testConfig } from '../helpers/factories';

const settings = testConfig().settings;
const view = { now: new Date('2026-12-01T08:00:00Z'), nightly: settings.nightly };

describe('the Deploy form', () => {
  it('offers the default lifetime and the steps up to the maximum, never beyond', () => {
    // Act
    const choices = lifetimeChoices({ defaultTtlSeconds: 5400, maxTtlSeconds: 8 * 3600 });

    // Assess
    expect(choices).toEqual([1800, 3600, 5400, 7200, 14_400, 28_800]);
  });

  it('labels each lifetime with its real end, naming the nightly shutdown when that comes first', () => {
    // Act
    const text = JSON.stringify(deployFormView(settings, view));

    // Assess
    expect(text).toContain('4h (default) · until 14:00 Helsinki today');
    expect(text).toContain('2d · ends 19:00 Helsinki tonight, Tue 1 Dec (nightly)');
  });

  it('keeps type-ahead options within Block Kit limits: 100 options, 75 characters, values of 150', () => {
    // Prepare
    const many = Array.from({ length: 150 }, (_, i) => ({
      branch: `feature/ABC-${i}-${'x'.repeat(100)}`,
      prNumber: i + 1,
      title: 'A long title '.repeat(10),
      author: null,
    }));
    const tooLong = { branch: `feature/${'y'.repeat(200)}`, prNumber: 999, title: 't', author: null };

    // Act
    const options = branchOptions([tooLong, ...many], '');

    // Assess
    expect(options).toHaveLength(100);
    expect(options.every((o) => o.text.text.length <= 75 && o.value.length <= 150)).toBe(true);
    expect(options.some((o) => o.value === tooLong.branch)).toBe(false);
  });

  it('offers nothing when the resolver has listed nothing yet', () => {
    expect(branchOptions([], 'login')).toEqual([]);
  });
});
