import { randomUUID } from 'node:crypto';

/**
 * The error answers each dependency really gives when it is overloaded, as the platforms document
 * them: the fault layer sends these instead of forwarding a request (ADR 0017).
 */
export interface FaultAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The error's name as the platform spells it, for the layer's statistics. */
  code: string;
}

/** What the layer knows about a request: enough to answer in the right protocol. */
export interface CallInfo {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export type AwsProtocol = 'json1.0' | 'json1.1' | 'ec2' | 'query' | 'cbor' | 'rest-xml';

const header = (call: CallInfo, name: string): string => {
  const value = call.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
};

/** DynamoDB and SQS speak JSON 1.0; EventBridge, SSM and the like JSON 1.1; EC2 its own query. */
export const awsProtocolOf = (call: CallInfo): AwsProtocol => {
  const target = header(call, 'x-amz-target');
  if (target) return header(call, 'content-type').includes('1.0') ? 'json1.0' : 'json1.1';
  if (header(call, 'smithy-protocol') === 'rpc-v2-cbor') return 'cbor';
  if (/(^|&)Action=/.test(call.body)) return /(^|&)Version=2016-11-15(&|$)/.test(call.body) ? 'ec2' : 'query';
  return 'rest-xml';
};

/** The operation a request asks for: `DynamoDB_20120810.PutItem`, `RunInstances`, `GET /bucket/key`. */
export const awsOperationOf = (call: CallInfo): string => {
  const target = header(call, 'x-amz-target');
  if (target) return target;
  const action = /(?:^|&)Action=([^&]+)/.exec(call.body)?.[1];
  if (action) return action;
  const cbor = /\/service\/([^/]+)\/operation\/([^/?]+)/.exec(call.path);
  if (cbor) return `${cbor[1]}.${cbor[2]}`;
  return `${call.method} ${call.path.split('?')[0]}`;
};

const json = (status: number, contentType: string, code: string, body: object, extra = {}): FaultAnswer => ({
  status,
  code,
  headers: { 'content-type': contentType, 'x-amzn-requestid': randomUUID(), ...extra },
  body: JSON.stringify(body),
});

const xml = (status: number, code: string, body: string): FaultAnswer => ({
  status,
  code,
  headers: { 'content-type': 'text/xml;charset=UTF-8' },
  body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}`,
});

/** JSON 1.0 (DynamoDB, SQS): `__type` carries the service's namespace. */
const json10Answer = (call: CallInfo, throttle: boolean, pick: () => number): FaultAnswer => {
  const ct = 'application/x-amz-json-1.0';
  if (header(call, 'x-amz-target').startsWith('AmazonSQS.')) {
    // SQS is query-compatible: its model gives RequestThrottled HTTP 403 and the query code in
    // x-amzn-query-error; a server fault is the service framework's InternalFailure.
    if (!throttle)
      return json(500, ct, 'InternalFailure', { __type: 'com.amazon.coral.service#InternalFailure' });
    return json(
      403,
      ct,
      'RequestThrottled',
      { __type: 'com.amazonaws.sqs#RequestThrottled', message: 'Request is throttled.' },
      { 'x-amzn-query-error': 'RequestThrottled;Sender' },
    );
  }
  const ns = 'com.amazonaws.dynamodb.v20120810';
  if (!throttle)
    return json(500, ct, 'InternalServerError', {
      __type: `${ns}#InternalServerError`,
      message: 'Internal server error',
    });
  const code = pick() < 0.5 ? 'ThrottlingException' : 'ProvisionedThroughputExceededException';
  const message =
    code === 'ThrottlingException'
      ? 'Rate of requests exceeds the allowed throughput.'
      : 'The level of configured provisioned throughput for the table was exceeded.';
  return json(400, ct, code, { __type: `${ns}#${code}`, message });
};

/** JSON 1.1 (EventBridge, SSM, Scheduler): a bare `__type`. */
const json11Answer = (throttle: boolean): FaultAnswer =>
  throttle
    ? json(400, 'application/x-amz-json-1.1', 'ThrottlingException', {
        __type: 'ThrottlingException',
        message: 'Rate exceeded',
      })
    : json(500, 'application/x-amz-json-1.1', 'InternalException', {
        __type: 'InternalException',
        message: 'Internal error',
      });

const ec2Answer = (throttle: boolean): FaultAnswer => {
  const [status, code, message] = throttle
    ? [503, 'RequestLimitExceeded', 'Request limit exceeded.']
    : [500, 'InternalError', 'An internal error has occurred'];
  return xml(
    status,
    code,
    `<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`,
  );
};

const queryAnswer = (throttle: boolean): FaultAnswer => {
  const [status, type, code] = throttle
    ? [400, 'Sender', 'Throttling']
    : [500, 'Receiver', 'InternalFailure'];
  return xml(
    status,
    code,
    `<ErrorResponse><Error><Type>${type}</Type><Code>${code}</Code><Message>${code}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
};

/** S3 and other REST-XML services answer `SlowDown` with 503 when throttled. */
const restXmlAnswer = (throttle: boolean): FaultAnswer => {
  const [status, code, message] = throttle
    ? [503, 'SlowDown', 'Please reduce your request rate.']
    : [500, 'InternalError', 'We encountered an internal error. Please try again.'];
  return xml(
    status,
    code,
    `<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${randomUUID()}</RequestId></Error>`,
  );
};

/** The throttling (or 5xx) answer in the request's own protocol; undefined for CBOR, which only gets resets. */
export const awsFaultAnswer = (
  call: CallInfo,
  throttle: boolean,
  pick: () => number = Math.random,
): FaultAnswer | undefined => {
  switch (awsProtocolOf(call)) {
    case 'json1.0':
      return json10Answer(call, throttle, pick);
    case 'json1.1':
      return json11Answer(throttle);
    case 'ec2':
      return ec2Answer(throttle);
    case 'query':
      return queryAnswer(throttle);
    case 'rest-xml':
      return restXmlAnswer(throttle);
    case 'cbor':
      return undefined;
  }
};

/** GitHub's primary rate limit as documented: 429 (or 403) with retry-after and x-ratelimit-*. */
export const githubRateLimited = (nowSeconds: number, retryAfterSeconds: number): FaultAnswer => ({
  status: 429,
  code: 'rate_limited',
  headers: {
    'content-type': 'application/json; charset=utf-8',
    'retry-after': String(retryAfterSeconds),
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-used': '5000',
    'x-ratelimit-reset': String(nowSeconds + retryAfterSeconds),
    'x-ratelimit-resource': 'core',
    'x-github-request-id': randomUUID(),
  },
  body: JSON.stringify({
    message: 'API rate limit exceeded for installation.',
    documentation_url: 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api',
    status: '429',
  }),
});

export const githubServerError = (status: 500 | 502 | 503): FaultAnswer => ({
  status,
  code: `http_${status}`,
  headers: { 'content-type': 'application/json; charset=utf-8', 'x-github-request-id': randomUUID() },
  body: JSON.stringify({ message: status === 502 ? 'Server Error' : 'Service Unavailable' }),
});

/** Slack's Web API rate limit: 429 with Retry-After; the body is Slack's usual `ok: false`. */
export const slackRateLimited = (retryAfterSeconds: number): FaultAnswer => ({
  status: 429,
  code: 'ratelimited',
  headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(retryAfterSeconds) },
  body: JSON.stringify({ ok: false, error: 'ratelimited' }),
});

export const plainServerError = (status: 500 | 502 | 503): FaultAnswer => ({
  status,
  code: `http_${status}`,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body: status === 503 ? 'Service Unavailable' : 'Internal Server Error',
});
