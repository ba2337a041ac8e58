import { Tracer } from '@aws-lambda-powertools/tracer';

/** The X-Ray tracer, in its own module because it pulls in the X-Ray SDK (kept out of the ingress bundle). */
export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'branch-envs' });
