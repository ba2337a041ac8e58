import { runtime } from '../wiring';
import { createNightlyHandler } from './createScheduledHandlers';

/** Lambda entry point; the runtime (config, clients) is built once per environment, at cold start. */
export const handler = createNightlyHandler(runtime());
