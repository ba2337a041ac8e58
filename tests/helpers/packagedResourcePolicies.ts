/**
 * The resource policies of the packaged stacks (S3 bucket policies, SQS queue policies), so that the
 * IAM matrix judges a request on those resources with both sides of the decision, as AWS does.
 */
import {
  includedResources,
  type PackagedContext,
  type PolicyDocument,
  policyDocument,
} from './packagedRoles';

export interface ResourcePolicies {
  /** The policy of the resource an ARN names (an object's bucket, a queue), if a template sets one. */
  of(arn: string): PolicyDocument | undefined;
}

const s3Policies = ({ ctx }: PackagedContext): [string, PolicyDocument][] =>
  includedResources(ctx, ['AWS::S3::BucketPolicy']).map(([logicalId, policy]) => {
    const bucket = ctx.resolveString(policy.Properties?.Bucket, `${logicalId}.Bucket`);
    return [
      `arn:aws:s3:::${bucket}`,
      policyDocument(ctx.resolve(policy.Properties?.PolicyDocument), logicalId),
    ];
  });

const queueArn = ({ ctx }: PackagedContext, queue: unknown, where: string): string => {
  const ref = typeof queue === 'object' && queue !== null && 'Ref' in queue ? String(queue.Ref) : undefined;
  const arn = ref === undefined ? undefined : ctx.physical(ref).attributes.Arn;
  if (!arn)
    throw new Error(`${where}: a queue policy must name its queue by Ref, got ${JSON.stringify(queue)}`);
  return arn;
};

const sqsPolicies = (stack: PackagedContext): [string, PolicyDocument][] =>
  includedResources(stack.ctx, ['AWS::SQS::QueuePolicy']).flatMap(([logicalId, policy]) => {
    const document = policyDocument(stack.ctx.resolve(policy.Properties?.PolicyDocument), logicalId);
    const queues = [policy.Properties?.Queues ?? []].flat();
    return queues.map((queue): [string, PolicyDocument] => [queueArn(stack, queue, logicalId), document]);
  });

/** A bucket's policy covers the bucket and its objects; a queue's covers that queue. */
const covers = (resourceArn: string, requested: string): boolean =>
  requested === resourceArn ||
  (resourceArn.startsWith('arn:aws:s3:::') && requested.startsWith(`${resourceArn}/`));

export const loadResourcePolicies = (contexts: PackagedContext[]): ResourcePolicies => {
  const policies = contexts.flatMap((stack) => [...s3Policies(stack), ...sqsPolicies(stack)]);
  return {
    of: (arn) => {
      const matching = policies.filter(([resourceArn]) => covers(resourceArn, arn));
      if (matching.length === 0) return undefined;
      return { Version: '2012-10-17', Statement: matching.flatMap(([, document]) => document.Statement) };
    },
  };
};
