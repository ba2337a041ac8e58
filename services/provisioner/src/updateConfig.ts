import { loadConfig } from '@branch-envs/shared/config';
import * as z from 'zod';
import { loadProvisionerConfig, type ProvisionerConfig } from './config';
import type { UpdateSettings } from './domain/update/ports';

/** The update function's own variables, beside the provisioner's (README.md, "Updates in place"). */
const UpdateEnv = z.object({
  UPDATES_QUEUE_URL: z.url(),
  UPDATE_DOCUMENT_NAME: z.string().regex(/^[a-zA-Z0-9_.-]{3,128}$/, 'must be an SSM document name'),
  FOLLOW_BUILDS: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  UPDATE_CHECK_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(900).default(10),
});

export interface UpdateFunctionConfig {
  provisioner: ProvisionerConfig;
  updatesQueueUrl: string;
  settings: UpdateSettings;
}

/** Reads the environment once, at cold start; a missing artifact bucket fails there. */
export const loadUpdateConfig = (
  env: Record<string, string | undefined> = process.env,
): UpdateFunctionConfig => {
  const provisioner = loadProvisionerConfig(env);
  const u = loadConfig(UpdateEnv, env);
  const { app, readiness } = provisioner.settings;
  if (!app.artifactBucket) throw new Error('ARTIFACT_BUCKET must be set for updates in place');
  return {
    provisioner,
    updatesQueueUrl: u.UPDATES_QUEUE_URL,
    settings: {
      stage: provisioner.stage,
      documentName: u.UPDATE_DOCUMENT_NAME,
      followByDefault: u.FOLLOW_BUILDS,
      bootTimeoutSeconds: readiness.bootTimeoutSeconds,
      checkIntervalSeconds: u.UPDATE_CHECK_INTERVAL_SECONDS,
      appUrlTemplate: readiness.appUrlTemplate,
      healthPath: readiness.healthPath,
      artifacts: app.artifacts,
      app: app.app,
      artifactBucket: app.artifactBucket,
    },
  };
};
