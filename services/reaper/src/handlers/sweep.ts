import { runtime } from '../runtime';
import { sweepHandler } from './factories';

/** Lambda entry point; the runtime (config, clients) is built once per environment, at cold start. */
export const handler = sweepHandler(runtime());
