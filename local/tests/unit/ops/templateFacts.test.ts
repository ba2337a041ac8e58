import { stackFacts } from '../../../src/ops/templateFacts';
import type { CfnTemplate } from '../../../src/templates/cfnTypes';

/** The shapes osls 4.3.1 packages for a consumer stack (services/notifier), cut down. */
const template: CfnTemplate = {
  Resources: {
    Queue: {
      Type: 'AWS::SQS::Queue',
      Properties: {
        QueueName: 'branch-envs-dev-notifier',
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] },
          maxReceiveCount: 5,
        },
      },
    },
    DeadLetterQueue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'branch-envs-dev-notifier-dlq' } },
    Rule: {
      Type: 'AWS::Events::Rule',
      Properties: {
        EventBusName: 'branch-envs-dev-bus',
        Targets: [{ Id: 'notifier', Arn: { 'Fn::GetAtt': ['Queue', 'Arn'] } }],
      },
    },
    NotifyLambdaFunction: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Environment: {
          Variables: {
            BOT_TOKEN_PARAM: '/branch-envs/dev/slack/bot-token',
            GITHUB_TOKEN_PARAM: '/branch-envs/dev/github/token',
            GITHUB_OWNER: 'acme',
            PROBE_QUEUE_URL: { Ref: 'Queue' },
          },
        },
      },
    },
    IamRoleLambdaExecution: {
      Type: 'AWS::IAM::Role',
      Properties: {
        Policies: [
          {
            PolicyDocument: {
              Statement: [
                {
                  Effect: 'Allow',
                  Action: ['ssm:GetParameter'],
                  Resource: [
                    {
                      'Fn::Sub':
                        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a JS template
                        'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/branch-envs/dev/slack/bot-token',
                    },
                  ],
                },
              ],
            },
          },
        ],
      },
    },
  },
};

describe('stackFacts', () => {
  it('reads each queue with the DLQ its RedrivePolicy names, and whether a rule on the bus feeds it', () => {
    expect(stackFacts(template, 'branch-envs-dev-bus').queues).toEqual([
      {
        name: 'branch-envs-dev-notifier',
        deadLetterQueue: 'branch-envs-dev-notifier-dlq',
        maxReceiveCount: 5,
        fedByBus: true,
      },
      { name: 'branch-envs-dev-notifier-dlq', fedByBus: false },
    ]);
  });

  it('does not count a rule on another bus as feeding the queue', () => {
    expect(stackFacts(template, 'branch-envs-prod-bus').queues[0]?.fedByBus).toBe(false);
  });

  it('lists the parameters the functions read and whether the role may GetParameter on each', () => {
    expect(stackFacts(template, 'branch-envs-dev-bus').parameters).toEqual([
      { name: '/branch-envs/dev/slack/bot-token', variable: 'BOT_TOKEN_PARAM', granted: true },
      { name: '/branch-envs/dev/github/token', variable: 'GITHUB_TOKEN_PARAM', granted: false },
    ]);
  });

  it('keeps only the plain-string settings of the functions', () => {
    expect(stackFacts(template, 'branch-envs-dev-bus').environment).toEqual({
      BOT_TOKEN_PARAM: '/branch-envs/dev/slack/bot-token',
      GITHUB_TOKEN_PARAM: '/branch-envs/dev/github/token',
      GITHUB_OWNER: 'acme',
    });
  });
});
