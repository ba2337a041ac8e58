import type { CfnResource } from './cfnTypes';

/** What `Ref` and `Fn::GetAtt` answer for one resource once it exists locally. */
export interface PhysicalResource {
  /** The name the resource is created under (a queue's name, not its URL). */
  name: string;
  ref: string;
  attributes: Record<string, string>;
}

export interface NamingContext {
  region: string;
  accountId: string;
  stackName: string;
  motoEndpoint: string;
  /** The local HTTP API's base URL, what `HttpApi.ApiEndpoint` resolves to. */
  httpApiUrl: string;
  /** Resolves a (possibly intrinsic) property value to a string. */
  name(value: unknown, what: string): string | undefined;
}

/**
 * CloudFormation names unnamed resources `<stack>-<logicalId>-<random>`. Locally the random part is
 * dropped so names are stable across restarts (re-applying updates rather than duplicates).
 */
const generated = (ctx: NamingContext, logicalId: string, max: number): string =>
  `${ctx.stackName}-${logicalId}`.slice(0, max);

type Namer = (logicalId: string, props: Record<string, unknown>, ctx: NamingContext) => PhysicalResource;

const arnOf = (ctx: NamingContext, service: string, resource: string): string =>
  `arn:aws:${service}:${ctx.region}:${ctx.accountId}:${resource}`;

const lastSegment = (nameOrArn: string): string => nameOrArn.split('/').pop() ?? nameOrArn;

const NAMERS: Record<string, Namer> = {
  'AWS::Events::EventBus': (id, p, ctx) => {
    const name = ctx.name(p.Name, `${id}.Name`) ?? generated(ctx, id, 256);
    return { name, ref: name, attributes: { Name: name, Arn: arnOf(ctx, 'events', `event-bus/${name}`) } };
  },
  'AWS::Events::Archive': (id, p, ctx) => {
    const name = ctx.name(p.ArchiveName, `${id}.ArchiveName`) ?? generated(ctx, id, 48);
    return { name, ref: name, attributes: { Arn: arnOf(ctx, 'events', `archive/${name}`) } };
  },
  'AWS::Events::Rule': (id, p, ctx) => {
    const name = ctx.name(p.Name, `${id}.Name`) ?? generated(ctx, id, 64);
    const bus = lastSegment(ctx.name(p.EventBusName, `${id}.EventBusName`) ?? 'default');
    const onDefault = bus === 'default';
    return {
      name,
      ref: onDefault ? name : `${bus}|${name}`,
      attributes: { Arn: arnOf(ctx, 'events', onDefault ? `rule/${name}` : `rule/${bus}/${name}`) },
    };
  },
  'AWS::SQS::Queue': (id, p, ctx) => {
    const fifo = p.FifoQueue === true || p.FifoQueue === 'true';
    const name =
      ctx.name(p.QueueName, `${id}.QueueName`) ??
      `${generated(ctx, id, fifo ? 75 : 80)}${fifo ? '.fifo' : ''}`;
    const url = `${ctx.motoEndpoint}/${ctx.accountId}/${name}`;
    return { name, ref: url, attributes: { Arn: arnOf(ctx, 'sqs', name), QueueName: name, QueueUrl: url } };
  },
  'AWS::DynamoDB::Table': (id, p, ctx) => {
    const name = ctx.name(p.TableName, `${id}.TableName`) ?? generated(ctx, id, 255);
    const arn = arnOf(ctx, 'dynamodb', `table/${name}`);
    return { name, ref: name, attributes: { Arn: arn, StreamArn: `${arn}/stream/local` } };
  },
  'AWS::SSM::Parameter': (id, p, ctx) => {
    const name = ctx.name(p.Name, `${id}.Name`) ?? `CFN-${id}`;
    return {
      name,
      ref: name,
      attributes: { Type: String(p.Type ?? 'String'), Value: ctx.name(p.Value, `${id}.Value`) ?? '' },
    };
  },
  'AWS::SSM::Document': (id, p, ctx) => {
    const name = ctx.name(p.Name, `${id}.Name`) ?? generated(ctx, id, 128);
    return { name, ref: name, attributes: {} };
  },
  'AWS::S3::Bucket': (id, p, ctx) => {
    const name = ctx.name(p.BucketName, `${id}.BucketName`) ?? generated(ctx, id, 63).toLowerCase();
    return {
      name,
      ref: name,
      attributes: {
        Arn: `arn:aws:s3:::${name}`,
        DomainName: `${name}.s3.amazonaws.com`,
        RegionalDomainName: `${name}.s3.${ctx.region}.amazonaws.com`,
        WebsiteURL: `http://${name}.s3-website.${ctx.region}.amazonaws.com`,
      },
    };
  },
  'AWS::Lambda::Function': (id, p, ctx) => {
    const name = ctx.name(p.FunctionName, `${id}.FunctionName`) ?? generated(ctx, id, 64);
    return { name, ref: name, attributes: { Arn: arnOf(ctx, 'lambda', `function:${name}`) } };
  },
  'AWS::ApiGatewayV2::Api': (id, _p, ctx) => ({
    name: id,
    ref: id,
    attributes: { ApiId: id, ApiEndpoint: ctx.httpApiUrl },
  }),
  // Routes name their integration as `integrations/<Ref>`; the logical id lets the runner find it back.
  'AWS::ApiGatewayV2::Integration': (id) => ({ name: id, ref: id, attributes: {} }),
  'AWS::IAM::Role': (id, p, ctx) => {
    const name = ctx.name(p.RoleName, `${id}.RoleName`) ?? generated(ctx, id, 64);
    return {
      name,
      ref: name,
      attributes: { Arn: `arn:aws:iam::${ctx.accountId}:role/${name}`, RoleId: `AROA${id}` },
    };
  },
  'AWS::Scheduler::Schedule': (id, p, ctx) => {
    const name = ctx.name(p.Name, `${id}.Name`) ?? generated(ctx, id, 64);
    return { name, ref: name, attributes: { Arn: arnOf(ctx, 'scheduler', `schedule/default/${name}`) } };
  },
};

/**
 * The local physical identity of a resource: its name, URL or id for `Ref` and its attributes for
 * `Fn::GetAtt`. Resources the applier skips still get a stable placeholder so that environment
 * variables referring to them resolve to something recognisable instead of failing the start.
 */
export const physicalResourceOf = (
  logicalId: string,
  resource: CfnResource,
  ctx: NamingContext,
): PhysicalResource => {
  const namer = NAMERS[resource.Type];
  if (namer) return namer(logicalId, resource.Properties ?? {}, ctx);
  const ref = `${ctx.stackName}-${logicalId}`;
  return {
    name: ref,
    ref,
    attributes: { Arn: arnOf(ctx, 'local', `${resource.Type.split('::')[1]?.toLowerCase()}/${ref}`) },
  };
};
