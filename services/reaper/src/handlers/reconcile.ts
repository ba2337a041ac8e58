import { runtime } from '../runtime';
import { reconcileHandler } from './factories';

/** Lambda entry point; the runtime (config, clients) is built once per environment, at cold start. */
export const handler = reconcileHandler(runtime());
