import { motoClientConfig } from '../../local/src/aws/moto';

/** The moto endpoint started by the jest global setup; integration tests fail clearly without it. */
export const motoEndpoint = (): string => {
  const endpoint = process.env.MOTO_ENDPOINT;
  if (!endpoint)
    throw new Error(
      'MOTO_ENDPOINT is not set: run integration tests through jest (global setup starts moto)',
    );
  return endpoint;
};

export const motoConfig = () => motoClientConfig(motoEndpoint());

/** A unique, readable suffix so tests sharing one moto server never collide. */
export const uniqueName = (prefix: string): string =>
  `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
