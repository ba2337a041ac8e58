import type { Logger } from '@aws-lambda-powertools/logger';
import { Ulid } from '@branch-envs/shared/envelope';
import { loggerFor, logger as rootLogger } from '@branch-envs/shared/observability';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import type { Log } from '../domain/ports';
import type { PhoneHomeOutcome, PhoneHomeReport } from '../domain/readiness/phoneHome';

/** bootstrap.sh posts about 150 bytes; anything this big is not an instance of ours. */
export const MAX_BODY_BYTES = 4096;

const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;

/** The report's body. Unknown fields are ignored, so a newer script still reports to an older stack. */
const ReportBody = z.object({
  deployId: Ulid,
  instanceId: z.string().regex(INSTANCE_ID, 'must be an EC2 instance id').optional(),
  status: z.enum(['ready', 'failed']),
  step: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be a boot step name like fetch-artifacts')
    .optional(),
});

export interface PhoneHomeHandlerOptions {
  phoneHome: { handle(report: PhoneHomeReport, token: string, log: Log): Promise<PhoneHomeOutcome> };
  logger?: Logger;
}

type Response = APIGatewayProxyStructuredResultV2;

const json = (statusCode: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(body),
});

const unauthorized = (): Response =>
  json(401, { error: 'unauthorized' }, { 'www-authenticate': 'Bearer realm="branch-envs phone-home"' });

class BadRequest extends Error {
  public constructor(
    public readonly statusCode: 400 | 404 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

const headerOf = (event: APIGatewayProxyEventV2, name: string): string | undefined => {
  const found = Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return found?.[1];
};

const bearerToken = (event: APIGatewayProxyEventV2): string | undefined =>
  /^Bearer ([\x21-\x7e]{1,512})$/.exec(headerOf(event, 'authorization')?.trim() ?? '')?.[1];

/** The report, from the path's deployId and a small JSON body that must name the same deployment. */
export const readReport = (event: APIGatewayProxyEventV2): PhoneHomeReport => {
  const deployId = Ulid.safeParse(event.pathParameters?.deployId);
  if (!deployId.success) throw new BadRequest(404, 'no such deployment');
  const type = headerOf(event, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new BadRequest(415, 'send the report as application/json');
  const raw = event.body ?? '';
  // Refuse by the encoded length first, so a huge body is never decoded.
  if (raw.length > Math.ceil((MAX_BODY_BYTES * 4) / 3) + 4)
    throw new BadRequest(413, 'the report is too large');
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new BadRequest(413, 'the report is too large');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BadRequest(400, 'the report is not JSON');
  }
  const parsed = ReportBody.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
    throw new BadRequest(400, `the report is not valid: ${issues.join('; ')}`);
  }
  if (parsed.data.deployId !== deployId.data) {
    throw new BadRequest(400, 'the report names another deployment than its URL');
  }
  return parsed.data;
};

const answer = (outcome: PhoneHomeOutcome): Response => {
  if (outcome.kind === 'unauthorized') return unauthorized();
  if (outcome.kind === 'conflict') return json(409, { error: outcome.message });
  // 202: the report was heard, the probes decide. 200: nothing is left to do, the instance may stop.
  return json(outcome.outcome === 'waiting' ? 202 : 200, { outcome: outcome.outcome });
};

/**
 * `POST /phone-home/{deployId}`: an instance reports the end of its boot. Bad input gets a 4xx that
 * says what is wrong (the token is checked before the body is believed, and a bad or missing token
 * gets a bare 401 whatever the deployment); a failure of our own stores is a 503 the instance's
 * curl retries. No stack trace and no token ever reaches the response or the log.
 */
export const createPhoneHomeHandler =
  ({ phoneHome, logger = rootLogger }: PhoneHomeHandlerOptions) =>
  async (event: APIGatewayProxyEventV2): Promise<Response> => {
    const token = bearerToken(event);
    if (!token) return unauthorized();
    let report: PhoneHomeReport;
    try {
      report = readReport(event);
    } catch (error) {
      if (error instanceof BadRequest) return json(error.statusCode, { error: error.message });
      throw error;
    }
    const log = loggerFor({ correlationId: report.deployId, deployId: report.deployId }, logger);
    try {
      const outcome = await phoneHome.handle(report, token, log);
      log.info('Phone-home handled', { status: report.status, step: report.step, result: outcome.kind });
      return answer(outcome);
    } catch (error) {
      log.error('The phone-home could not be handled; the instance will retry', error as Error);
      return json(503, { error: 'temporarily unavailable; retry' }, { 'retry-after': '2' });
    }
  };
