import path from 'node:path';
import { commaSeparated, loadConfig } from '@branch-envs/shared/config';
import { PriceTable } from '@branch-envs/shared/pricing/priceTable';
import * as z from 'zod';
import { templatePlaceholders } from './domain/readiness/appUrl';
import type { ProvisionSettings } from './domain/settings';

const int = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const flag = z
  .enum(['true', 'false'])
  .default('false')
  .transform((value) => value === 'true');

/** A JSON document in one variable, parsed and then checked against `schema`. */
const json = <S extends z.ZodType>(schema: S, fallback?: string) =>
  (fallback === undefined ? z.string() : z.string().default(fallback))
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);

const ArtifactSpecs = z
  .array(
    z
      .object({
        name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/),
        key: z.string().min(1).max(1024),
        dest: z.string().startsWith('/'),
      })
      .strict(),
  )
  .min(1);

const Database = z
  .object({
    name: z.string(),
    owner: z.string(),
    roles: z.array(z.string()).optional(),
    extensions: z.array(z.string()).optional(),
    dumpArtifact: z.string().optional(),
  })
  .strict();

const appUrlTemplate = z
  .string()
  .default('http://{privateIp}/')
  .superRefine((template, ctx) => {
    const { unknown } = templatePlaceholders(template);
    if (unknown.length > 0) {
      ctx.addIssue({ code: 'custom', message: `unknown placeholder {${unknown.join('}, {')}}` });
    } else if (!URL.canParse(template.replace(/\{[A-Za-z]+\}/g, 'x'))) {
      ctx.addIssue({ code: 'custom', message: 'is not a URL template like http://{privateIp}/' });
    }
  });

/** The provisioner's environment variables; README.md lists them with their meaning. */
const ProvisionerEnv = z
  .object({
    STAGE: z.string(),
    AWS_REGION: z.string(),
    EVENT_BUS_NAME: z.string(),
    DEPLOYMENTS_TABLE: z.string(),
    IDEMPOTENCY_TABLE: z.string(),
    PROBE_QUEUE_URL: z.url(),
    MAX_LIVE_PER_USER: int(3, 1, 1000),
    MAX_LIVE_TOTAL: int(20, 1, 100_000),
    AMI_ID: z
      .string()
      .regex(/^ami-[0-9a-f]{8,17}$/, 'must be an AMI id')
      .optional(),
    AMI_SSM_PARAMETER: z.string().startsWith('/').optional(),
    AMI_CACHE_SECONDS: int(60, 0, 3600),
    INSTANCE_TYPES: commaSeparated(
      z.string().regex(/^[a-z0-9-]+\.[a-z0-9]+$/, 'must be instance types like t3.medium'),
    ).pipe(z.array(z.string()).min(1, 'must name at least one instance type')),
    SUBNET_IDS: commaSeparated(z.string().regex(/^subnet-[0-9a-f]+$/, 'must be subnet ids')),
    SECURITY_GROUP_ID: z
      .string()
      .regex(/^sg-[0-9a-f]+$/, 'must be a security group id')
      .optional(),
    INSTANCE_PROFILE_ARN: z
      .string()
      .regex(/^arn:aws[a-z-]*:iam::\d{12}:instance-profile\/.+$/)
      .optional(),
    KEY_NAME: z.string().max(255).optional(),
    ROOT_VOLUME_GB: int(30, 8, 16_384),
    EBS_KMS_KEY_ID: z.string().optional(),
    EC2_MAX_ATTEMPTS: int(6, 1, 12),
    CLOUD_INIT_DIR: z.string().default('cloud-init'),
    APP_PROFILE: z.string().default('profiles/jvm-postgres'),
    APP_NAME: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes'),
    APP_PORT: int(8080, 1024, 65_535),
    APP_ENV_JSON: json(z.record(z.string(), z.string()), '{}'),
    APP_DATABASE_JSON: json(Database.nullable(), 'null'),
    ARTIFACTS_JSON: json(ArtifactSpecs),
    ARTIFACT_BUCKET: z.string().min(3).max(63).optional(),
    ARTIFACT_URLS: z.enum(['presigned', 's3']).optional(),
    ARTIFACT_URL_EXPIRY_SECONDS: int(3600, 60, 43_200),
    APP_URL_TEMPLATE: appUrlTemplate,
    HEALTH_PATH: z
      .string()
      .regex(/^\/[\x21-\x7e]*$/, 'must be a path like /health')
      .default('/health'),
    HEALTH_EXPECTED_STATUS: int(200, 100, 599),
    HEALTH_TIMEOUT_MS: int(2000, 100, 10_000),
    PROBE_INTERVAL_SECONDS: int(5, 1, 900),
    BOOT_TIMEOUT_SECONDS: int(900, 1, 86_400),
    KEEP_FAILED_INSTANCES: flag,
    CAPACITY: z.enum(['on-demand', 'spot', 'spot-then-on-demand']).default('on-demand'),
    PRICE_TABLE_JSON: json(PriceTable.nullable(), 'null'),
    PHONE_HOME_URL: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL like https://…/phone-home' })
      .optional(),
  })
  .superRefine((env, ctx) => {
    if ((env.AMI_ID === undefined) === (env.AMI_SSM_PARAMETER === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['AMI_ID'],
        message: 'set exactly one of AMI_ID and AMI_SSM_PARAMETER',
      });
    }
  });

export interface ProvisionerConfig {
  stage: string;
  region: string;
  eventBusName: string;
  deploymentsTable: string;
  idempotencyTable: string;
  probeQueueUrl: string;
  image: { imageId: string } | { parameterName: string; cacheSeconds: number };
  instance: {
    securityGroupId?: string;
    instanceProfileArn?: string;
    keyName?: string;
    rootVolumeGb: number;
    ebsKmsKeyId?: string;
  };
  ec2MaxAttempts: number;
  cloudInitDir: string;
  profileName: string;
  artifactUrls: { mode: 'presigned'; expirySeconds: number } | { mode: 's3' };
  healthTimeoutMs: number;
  settings: ProvisionSettings;
}

const definedOnly = <T extends Record<string, unknown>>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

type Env = z.output<typeof ProvisionerEnv>;

/** What the use cases see of the configuration (domain/settings.ts). */
const useCaseSettings = (c: Env): ProvisionSettings => ({
  quota: { maxLivePerUser: c.MAX_LIVE_PER_USER, maxLiveTotal: c.MAX_LIVE_TOTAL },
  launch: { instanceTypes: c.INSTANCE_TYPES, subnetIds: c.SUBNET_IDS, capacity: c.CAPACITY },
  pricing: { table: c.PRICE_TABLE_JSON, rootVolumeGb: c.ROOT_VOLUME_GB },
  app: definedOnly({
    stage: c.STAGE,
    app: c.APP_NAME,
    port: c.APP_PORT,
    env: c.APP_ENV_JSON,
    healthPath: c.HEALTH_PATH,
    db: c.APP_DATABASE_JSON ?? undefined,
    artifacts: c.ARTIFACTS_JSON,
    artifactBucket: c.ARTIFACT_BUCKET,
    phoneHomeUrl: c.PHONE_HOME_URL,
  }),
  readiness: {
    appUrlTemplate: c.APP_URL_TEMPLATE,
    healthPath: c.HEALTH_PATH,
    expectedStatus: c.HEALTH_EXPECTED_STATUS,
    probeIntervalSeconds: c.PROBE_INTERVAL_SECONDS,
    bootTimeoutSeconds: c.BOOT_TIMEOUT_SECONDS,
    keepFailedInstances: c.KEEP_FAILED_INSTANCES,
    region: c.AWS_REGION,
  },
});

/**
 * Reads the environment once, at cold start; a bad value fails there, naming the variable.
 * CLOUD_INIT_DIR is relative to the Lambda task root (where `cloud-init/` is packaged), which the
 * local stack sets to the service folder.
 */
export const loadProvisionerConfig = (
  env: Record<string, string | undefined> = process.env,
): ProvisionerConfig => {
  const c = loadConfig(ProvisionerEnv, env);
  const taskRoot = env.LAMBDA_TASK_ROOT ?? process.cwd();
  const urlMode = c.ARTIFACT_URLS ?? (c.INSTANCE_PROFILE_ARN ? 's3' : 'presigned');
  return {
    stage: c.STAGE,
    region: c.AWS_REGION,
    eventBusName: c.EVENT_BUS_NAME,
    deploymentsTable: c.DEPLOYMENTS_TABLE,
    idempotencyTable: c.IDEMPOTENCY_TABLE,
    probeQueueUrl: c.PROBE_QUEUE_URL,
    image: c.AMI_ID
      ? { imageId: c.AMI_ID }
      : { parameterName: c.AMI_SSM_PARAMETER ?? '', cacheSeconds: c.AMI_CACHE_SECONDS },
    instance: definedOnly({
      securityGroupId: c.SECURITY_GROUP_ID,
      instanceProfileArn: c.INSTANCE_PROFILE_ARN,
      keyName: c.KEY_NAME,
      rootVolumeGb: c.ROOT_VOLUME_GB,
      ebsKmsKeyId: c.EBS_KMS_KEY_ID,
    }),
    ec2MaxAttempts: c.EC2_MAX_ATTEMPTS,
    cloudInitDir: path.resolve(taskRoot, c.CLOUD_INIT_DIR),
    profileName: c.APP_PROFILE,
    artifactUrls:
      urlMode === 's3' ? { mode: 's3' } : { mode: 'presigned', expirySeconds: c.ARTIFACT_URL_EXPIRY_SECONDS },
    healthTimeoutMs: c.HEALTH_TIMEOUT_MS,
    settings: useCaseSettings(c),
  };
};
