import type { PackagedStack } from '../../src/templates/cfnTypes';
import { createStackContext } from '../../src/templates/stackContext';
import { applyOrder } from '../../src/templates/templateApplier';

const stack = (
  resources: PackagedStack['template']['Resources'],
  extra: Partial<PackagedStack['template']> = {},
): PackagedStack => ({
  stackName: 'svc-local',
  serviceDir: '/tmp/svc',
  stage: 'local',
  template: { Resources: resources, ...extra },
});

const account = () => ({
  region: 'eu-north-1',
  accountId: '123456789012',
  motoEndpoint: 'http://127.0.0.1:5000',
  httpApiUrl: 'http://127.0.0.1:3000',
  exports: new Map([['platform-BusName', 'branch-envs-local-bus']]),
});

const queue = { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'work' } };

describe('intrinsic resolution', () => {
  it('resolves Ref and GetAtt of a queue to its moto URL and ARN', () => {
    // Prepare
    const ctx = createStackContext(stack({ Q: queue }), account());

    // Act
    const value = ctx.resolve({
      url: { Ref: 'Q' },
      arn: { 'Fn::GetAtt': ['Q', 'Arn'] },
      name: { 'Fn::GetAtt': 'Q.QueueName' },
    });

    // Assess
    expect(value).toEqual({
      url: 'http://127.0.0.1:5000/123456789012/work',
      arn: 'arn:aws:sqs:eu-north-1:123456789012:work',
      name: 'work',
    });
  });

  it('substitutes pseudo parameters, resources, variables and escaped literals in Fn::Sub', () => {
    // Prepare
    const ctx = createStackContext(stack({ Q: queue }), account());
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax, not a JS template
    const text = '${AWS::Region}:${Q.Arn}:${Extra}:${!Keep}';

    // Act
    const value = ctx.resolve({ 'Fn::Sub': [text, { Extra: { Ref: 'AWS::AccountId' } }] });

    // Assess
    // biome-ignore lint/suspicious/noTemplateCurlyInString: ${!Keep} resolves to the literal ${Keep}
    expect(value).toBe('eu-north-1:arn:aws:sqs:eu-north-1:123456789012:work:123456789012:${Keep}');
  });

  it('joins, selects, splits and imports', () => {
    // Prepare
    const ctx = createStackContext(stack({ Q: queue }), account());

    // Act
    const value = ctx.resolve([
      { 'Fn::Join': ['/', ['a', { Ref: 'Q' }]] },
      { 'Fn::Select': [1, { 'Fn::Split': [',', 'x,y,z'] }] },
      { 'Fn::ImportValue': 'platform-BusName' },
    ]);

    // Assess
    expect(value).toEqual(['a/http://127.0.0.1:5000/123456789012/work', 'y', 'branch-envs-local-bus']);
  });

  it('evaluates conditions for Fn::If and drops AWS::NoValue', () => {
    // Prepare
    const template = stack(
      { Q: queue },
      {
        Parameters: { Stage: { Default: 'local' } },
        Conditions: { IsLocal: { 'Fn::Equals': [{ Ref: 'Stage' }, 'local'] } },
      },
    );
    const ctx = createStackContext(template, account());

    // Act
    const value = ctx.resolve({
      a: { 'Fn::If': ['IsLocal', 'yes', 'no'] },
      b: { 'Fn::If': ['IsLocal', { Ref: 'AWS::NoValue' }, 'x'] },
    });

    // Assess
    expect(value).toEqual({ a: 'yes' });
  });

  it('names unnamed resources after the stack and logical id, and rules on a custom bus as bus|rule', () => {
    // Prepare
    const ctx = createStackContext(
      stack({
        R: { Type: 'AWS::Events::Rule', Properties: { EventBusName: 'bus' } },
        T: { Type: 'AWS::DynamoDB::Table' },
      }),
      account(),
    );

    // Act and Assess
    expect(ctx.resolve({ Ref: 'R' })).toBe('bus|svc-local-R');
    expect(ctx.resolve({ 'Fn::GetAtt': ['R', 'Arn'] })).toBe(
      'arn:aws:events:eu-north-1:123456789012:rule/bus/svc-local-R',
    );
    expect(ctx.resolve({ Ref: 'T' })).toBe('svc-local-T');
  });

  it('fails clearly on a reference to nothing', () => {
    const ctx = createStackContext(stack({}), account());
    expect(() => ctx.resolve({ Ref: 'Missing' })).toThrow(/no resource or parameter named Missing/);
  });
});

describe('applyOrder', () => {
  it('orders a dead-letter queue before the queue whose redrive refers to it', () => {
    // Prepare
    const resources = {
      AQueue: {
        Type: 'AWS::SQS::Queue',
        Properties: { RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['ZDlq', 'Arn'] } } },
      },
      ZDlq: { Type: 'AWS::SQS::Queue' },
    };

    // Act
    const order = applyOrder(resources);

    // Assess
    expect(order).toEqual(['ZDlq', 'AQueue']);
  });
});
