import type { CallInfo } from '../../../src/faults/faultAnswers';
import { chooseFault } from '../../../src/faults/faultChoice';

const call = (headers: CallInfo['headers'], body = '', path = '/'): CallInfo => ({
  method: 'POST',
  path,
  headers,
  body,
});
const dynamo = call({
  'x-amz-target': 'DynamoDB_20120810.PutItem',
  'content-type': 'application/x-amz-json-1.0',
});

/** A scripted random source: each call returns the next number. */
const script = (...numbers: number[]) => {
  let i = 0;
  return () => numbers[i++] ?? 0;
};

describe('chooseFault', () => {
  test('forwards when the roll is at or above the rate, and always at rate 0', () => {
    expect(chooseFault('aws', 0.3, dynamo, script(0.3))).toBeUndefined();
    expect(chooseFault('aws', 0, dynamo, script(0))).toBeUndefined();
  });

  test('aws: throttling in the request protocol, DynamoDB JSON 1.0', () => {
    const fault = chooseFault('aws', 0.3, dynamo, script(0.1, 0.1, 0.1));
    expect(fault).toMatchObject({ kind: 'answer', answer: { status: 400, code: 'ThrottlingException' } });
    if (fault?.kind !== 'answer') throw new Error('no answer');
    expect(fault.answer.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(JSON.parse(fault.answer.body).__type).toBe('com.amazonaws.dynamodb.v20120810#ThrottlingException');
  });

  test('aws: EC2 query requests get RequestLimitExceeded as EC2 XML with 503', () => {
    const ec2 = call({}, 'Action=RunInstances&Version=2016-11-15');
    const fault = chooseFault('aws', 1, ec2, script(0, 0.1));
    if (fault?.kind !== 'answer') throw new Error('no answer');
    expect(fault.answer.status).toBe(503);
    expect(fault.answer.body).toMatch(/<Response><Errors><Error><Code>RequestLimitExceeded<\/Code>/);
  });

  test('aws: CBOR requests only get resets (no error body is faked in CBOR)', () => {
    const cbor = call({ 'smithy-protocol': 'rpc-v2-cbor' });
    expect(chooseFault('aws', 1, cbor, script(0, 0.1))).toEqual({ kind: 'reset' });
  });

  test('the kinds split by weight: aws 0.4 throttle, 0.3 server, 0.2 reset, 0.1 timeout', () => {
    expect(chooseFault('aws', 1, dynamo, script(0, 0.5))).toMatchObject({ answer: { status: 500 } });
    expect(chooseFault('aws', 1, dynamo, script(0, 0.8))).toEqual({ kind: 'reset' });
    expect(chooseFault('aws', 1, dynamo, script(0, 0.95))).toEqual({ kind: 'timeout' });
  });

  test('github 429 carries retry-after and the x-ratelimit headers GitHub documents', () => {
    const fault = chooseFault('github', 1, call({}, '', '/repos/acme/shop/pulls'), script(0, 0.1), 2);
    if (fault?.kind !== 'answer') throw new Error('no answer');
    expect(fault.answer.status).toBe(429);
    const h = fault.answer.headers;
    expect(h['retry-after']).toBe('2');
    expect(h['x-ratelimit-remaining']).toBe('0');
    expect(Number(h['x-ratelimit-reset'])).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 1);
    expect(JSON.parse(fault.answer.body)).toMatchObject({ message: expect.stringMatching(/rate limit/) });
  });

  test('slack 429 is ratelimited with Retry-After', () => {
    const fault = chooseFault('slack', 1, call({}, '', '/api/chat.postMessage'), script(0, 0.1), 3);
    expect(fault).toMatchObject({
      kind: 'answer',
      answer: { status: 429, headers: { 'retry-after': '3' }, body: '{"ok":false,"error":"ratelimited"}' },
    });
  });

  test('instance faults are 502/503, resets or timeouts, never a throttle', () => {
    expect(chooseFault('instance', 1, call({}), script(0, 0.1, 0.7))).toMatchObject({
      answer: { status: 503 },
    });
    expect(chooseFault('instance', 1, call({}), script(0, 0.6))).toEqual({ kind: 'reset' });
    expect(chooseFault('instance', 1, call({}), script(0, 0.9))).toEqual({ kind: 'timeout' });
  });
});
