import type { Logger } from '@aws-lambda-powertools/logger';
import type { GithubGateway } from './ports';

/** States in which a deployment still serves (or is about to): its environment must stay. */
const ACTIVE_STATES: ReadonlySet<string> = new Set(['success', 'in_progress', 'queued', 'pending']);

export type RetireOutcome = 'deleted' | 'gone' | 'in_use' | 'not_permitted';

/**
 * GitHub environments do not pile up (issue 18): once a deployment is `inactive`, its
 * `preview/<branch>` environment is deleted unless another deployment in it is still active (a
 * `--fresh` environment of the same branch). A deployment with no status yet counts as active: it
 * is one being created right now. Without Administration: write GitHub answers 403, and the
 * environment is left with a log line saying which permission would remove it.
 */
export const retireEnvironment = async (
  environment: string,
  ended: number,
  github: Pick<GithubGateway, 'deploymentsIn' | 'latestState' | 'deleteEnvironment'>,
  logger: Pick<Logger, 'info'>,
): Promise<RetireOutcome> => {
  for (const id of await github.deploymentsIn(environment)) {
    if (id === ended) continue;
    const state = await github.latestState(id);
    if (ACTIVE_STATES.has(state ?? 'pending')) {
      logger.info('GitHub environment kept: another deployment in it is active', { environment, id, state });
      return 'in_use';
    }
  }
  const outcome = await github.deleteEnvironment(environment);
  if (outcome === 'not_permitted') {
    logger.info('GitHub environment left in place: deleting it needs Administration: write on the token', {
      environment,
    });
  }
  return outcome;
};
