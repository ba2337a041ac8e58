import type { MotoServer } from '../../local/src/aws/moto';

export default async function globalTeardown(): Promise<void> {
  const moto = (globalThis as { __moto__?: MotoServer }).__moto__;
  if (moto) await moto.stop();
}
