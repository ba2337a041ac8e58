import { describeTarget, refusals } from '../../src/domain/messages/refusals';

const DEPLOY_ID = '01KB0W8J6QF3ZC9D2M4N5P7R8S';
const byDeploy = describeTarget({ kind: 'deploy', deployId: DEPLOY_ID });
const byBranch = describeTarget({ kind: 'branch', branch: 'feature/ABC-123-login-page' });

describe('every reaper refusal, side by side', () => {
  it('renders each one', () => {
    // Act
    const all = {
      notFoundDeploy: refusals.notFound(byDeploy, DEPLOY_ID),
      notFoundBranch: refusals.notFound(byBranch),
      notLiveTerminating: refusals.notLive(byDeploy, 'TERMINATING', DEPLOY_ID),
      notLiveTerminated: refusals.notLive(byDeploy, 'TERMINATED', DEPLOY_ID),
      notLiveRejected: refusals.notLive(byBranch, 'REJECTED', DEPLOY_ID),
      notLaunched: refusals.notLaunched(byDeploy, DEPLOY_ID),
      notOwner: refusals.notOwner(byBranch),
      endedMeanwhile: refusals.endedMeanwhile(byDeploy, DEPLOY_ID),
      adminOnly: refusals.adminOnly(),
      noneOfYours: refusals.noneOfYours(),
      noneAtAll: refusals.noneAtAll(),
    };

    // Assess
    expect(all).toMatchSnapshot();
  });

  it('keeps a backtick in a branch name from breaking out of its code span', () => {
    // Act
    const what = describeTarget({ kind: 'branch', branch: 'fix`<!channel>' });

    // Assess
    expect(what).toBe("branch `fix'<!channel>`");
  });
});
