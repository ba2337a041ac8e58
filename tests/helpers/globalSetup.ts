import type { Config } from 'jest';
import { startMoto } from '../../local/src/aws/moto';

const NEEDS_MOTO = ['integration', 'e2e'];

/**
 * Starts one moto server for the whole run and hands its endpoint to the test workers through
 * `MOTO_ENDPOINT`. Runs that select only unit, contract or static projects skip it.
 */
export default async function globalSetup(
  globalConfig: { selectProjects?: string[] } & Config,
): Promise<void> {
  const selected = globalConfig.selectProjects;
  if (selected && !selected.some((p) => NEEDS_MOTO.includes(p))) return;
  if (process.env.MOTO_ENDPOINT) return;
  const moto = await startMoto();
  process.env.MOTO_ENDPOINT = moto.endpoint;
  (globalThis as { __moto__?: typeof moto }).__moto__ = moto;
}
