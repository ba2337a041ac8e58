import { runtime } from '../wiring';
import { createInterruptionsHandler } from './createInterruptionsHandler';

/** Lambda entry point; the runtime (config, clients) is built once per environment, at cold start. */
export const handler = createInterruptionsHandler(runtime());
