import { faultLine } from '../../../src/faults/faultLayer';
import { deployIdOf } from '../../../src/faults/faultSubject';

const DEPLOY = '01KB0W8J6QF3ZC9D2M4N5P7R8S';
const OTHER = '01KB0W8J6QF3ZC9D2M4N5P7R9T';
const call = (body: string, path = '/') => ({ path, body });

describe('deployIdOf', () => {
  it.each([
    ['a DynamoDB key', JSON.stringify({ TableName: 't', Key: { deployId: { S: DEPLOY } } })],
    [
      'an event inside PutEvents (Detail is escaped JSON)',
      JSON.stringify({
        Entries: [{ Detail: JSON.stringify({ metadata: { eventId: OTHER }, data: { deployId: DEPLOY } }) }],
      }),
    ],
    [
      'an event that only names its correlationId',
      JSON.stringify({ Entries: [{ Detail: JSON.stringify({ metadata: { correlationId: DEPLOY } }) }] }),
    ],
    ['RunInstances (its ClientToken)', `Action=RunInstances&ClientToken=${DEPLOY}-1&Version=2016-11-15`],
    [
      'DescribeInstances by the DeployId tag',
      `Action=DescribeInstances&Filter.1.Name=tag%3ADeployId&Filter.1.Value.1=${DEPLOY}&Version=2016-11-15`,
    ],
  ])('finds the deployment in %s', (_what, body) => {
    // Act + Assess
    expect(deployIdOf(call(body))).toBe(DEPLOY);
  });

  it('finds it in the phone-home path, and through the instance for a health check', () => {
    // Act + Assess
    expect(deployIdOf(call('{"status":"ready"}', `/phone-home/${DEPLOY}`))).toBe(DEPLOY);
    expect(deployIdOf(call('', '/i-0abc123/health'), (id) => (id === 'i-0abc123' ? DEPLOY : undefined))).toBe(
      DEPLOY,
    );
  });

  it('takes the first id anywhere in a Slack message when asked to', () => {
    // Prepare
    const body = JSON.stringify({ channel: 'C1', text: `🚀 Launching (${DEPLOY})` });

    // Act + Assess
    expect(deployIdOf(call(body, '/api/chat.postMessage'), undefined, true)).toBe(DEPLOY);
    expect(deployIdOf(call(body, '/api/chat.postMessage'))).toBeUndefined();
  });

  it('names no deployment for a call about none (an idempotency record, a GitHub search)', () => {
    // Act + Assess
    expect(deployIdOf(call(JSON.stringify({ Key: { id: { S: `fn#${OTHER}` } } })))).toBeUndefined();
    expect(deployIdOf(call('', '/search/issues?q=login'))).toBeUndefined();
  });
});

describe('faultLine', () => {
  it('writes one line per fault with its deployment, or a dash when unknown', () => {
    // Act + Assess
    expect(
      faultLine({ dependency: 'aws', operation: 'RunInstances', fault: 'timeout', deployId: DEPLOY }),
    ).toBe(`fault aws RunInstances timeout deployId=${DEPLOY}`);
    expect(faultLine({ dependency: 'github', operation: 'GET /search/issues', fault: '429' })).toBe(
      'fault github GET /search/issues 429 deployId=-',
    );
  });
});
