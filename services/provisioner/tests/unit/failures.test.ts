import { debugHints, preparationFailure, withinLimits } from '../../src/domain/failures';
import {
  InvalidBranchNameError,
  ProfileTemplateError,
  UserDataTooLargeError,
} from '../../src/domain/userData/errors';
import { ProvisionerConfigError } from '../../src/errors';

describe('failure reports', () => {
  it('maps what can go wrong before a launch to the contract reasons', () => {
    // Act + Assess
    expect(preparationFailure(new InvalidBranchNameError('a..b', 'contains ".."'))?.reason).toBe(
      'invalid_branch',
    );
    expect(preparationFailure(new UserDataTooLargeError(20000, 16384))?.reason).toBe('user_data_too_large');
    expect(preparationFailure(new ProvisionerConfigError('x'))?.reason).toBe('config_error');
    expect(preparationFailure(new ProfileTemplateError('profiles/x', 'cannot read a.sh'))?.reason).toBe(
      'config_error',
    );
    expect(preparationFailure(new Error('network'))).toBeUndefined();
  });

  it('keeps a failure within the contract limits', () => {
    // Act
    const limited = withinLimits({
      reason: 'launch_error',
      message: 'x'.repeat(5000),
      hints: Array(9).fill('y'.repeat(900)),
    });

    // Assess
    expect(limited.message).toHaveLength(1000);
    expect(limited.hints).toHaveLength(5);
    expect(limited.hints.every((hint) => hint.length <= 500)).toBe(true);
  });

  it('points at the console output and Session Manager, and says whether the instance is kept', () => {
    // Act
    const hints = debugHints('i-0abc123def4567890', 'eu-north-1', {
      kept: true,
      appUrl: 'http://10.0.1.23/',
    });

    // Assess
    expect(hints).toEqual([
      expect.stringContaining('aws ec2 get-console-output --instance-id i-0abc123def4567890 --latest'),
      expect.stringContaining('aws ssm start-session --target i-0abc123def4567890'),
      expect.stringContaining('http://10.0.1.23/.branch-envs/status'),
      expect.stringContaining('kept for debugging'),
    ]);
  });
});
