import { runtime } from '../wiring';
import { createSweepHandler } from './createScheduledHandlers';

/** Lambda entry point; the runtime (config, clients) is built once per environment, at cold start. */
export const handler = createSweepHandler(runtime());
