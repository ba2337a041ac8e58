import { runtime } from '../wiring';
import { createRequestsHandler } from './createRequestsHandler';

/** Lambda entry point; the runtime (config, clients) is built once per environment, at cold start. */
export const handler = createRequestsHandler(runtime());
