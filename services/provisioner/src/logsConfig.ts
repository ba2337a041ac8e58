import { loadConfig } from '@branch-envs/shared/config';
import * as z from 'zod';
import { loadProvisionerConfig, type ProvisionerConfig } from './config';
import type { LogsSettings } from './domain/logs/ports';

const Patterns = z
  .string()
  .default('[]')
  .transform((text, ctx) => {
    try {
      const parsed = z.array(z.string()).parse(JSON.parse(text));
      for (const source of parsed) new RegExp(source, 'g');
      return parsed;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON list of valid regular expressions' });
      return z.NEVER;
    }
  });

/** The logs function's own variables, beside the provisioner's (README.md, "Logs in Slack"). */
const LogsEnv = z.object({
  LOGS_DOCUMENT_NAME: z.string().regex(/^[a-zA-Z0-9_.-]{3,128}$/, 'must be an SSM document name'),
  LOGS_WAIT_SECONDS: z.coerce.number().int().min(5).max(40).default(20),
  LOGS_REDACT_JSON: Patterns,
});

export interface LogsFunctionConfig {
  provisioner: ProvisionerConfig;
  settings: LogsSettings;
}

/** Reads the environment once, at cold start. */
export const loadLogsConfig = (env: Record<string, string | undefined> = process.env): LogsFunctionConfig => {
  const provisioner = loadProvisionerConfig(env);
  const l = loadConfig(LogsEnv, env);
  return {
    provisioner,
    settings: {
      documentName: l.LOGS_DOCUMENT_NAME,
      waitSeconds: l.LOGS_WAIT_SECONDS,
      pollIntervalMs: 1000,
      redactPatterns: l.LOGS_REDACT_JSON,
    },
  };
};
