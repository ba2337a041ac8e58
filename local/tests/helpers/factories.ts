import { join } from 'node:path';
import type { LocalFunction } from '../../src/templates/runtimeBindings';
import { FIXTURE_DIR } from './fixtureService';

/** A function of the fixture service as the applier would describe it, run straight from the repo. */
export const fixtureFunction = (
  handler: 'consume' | 'echo' | 'http',
  overrides: Partial<LocalFunction> = {},
): LocalFunction => ({
  name: `fixture-${handler}`,
  logicalId: `${handler}LambdaFunction`,
  stackName: 'branch-envs-fixture-test',
  serviceDir: FIXTURE_DIR,
  handlerFile: join(FIXTURE_DIR, 'src', 'handlers', `${handler}.ts`),
  handlerExport: 'handler',
  timeoutSeconds: 5,
  memoryMb: 256,
  runtime: 'nodejs22.x',
  environment: { STAGE: 'test', FAIL_WHEN_BODY_HAS: 'poison' },
  ...overrides,
});
