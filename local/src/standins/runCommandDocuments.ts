import { GetDocumentCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { parse } from 'yaml';
import { z } from 'zod';
import { awsErrorName } from '../aws/clients';
import type { CommandDocument, DocumentSource } from './runCommandTypes';

/** `aws:runShellScript`'s own default when a step names no `timeoutSeconds`. */
const DEFAULT_STEP_TIMEOUT_SECONDS = 3600;

const DocumentContent = z.object({
  parameters: z
    .record(
      z.string(),
      z.object({ allowedPattern: z.string().optional(), default: z.unknown().optional() }).loose(),
    )
    .optional(),
  mainSteps: z
    .array(
      z
        .object({
          name: z.string(),
          inputs: z
            .object({ timeoutSeconds: z.coerce.number().int().positive().optional() })
            .loose()
            .optional(),
        })
        .loose(),
    )
    .min(1),
});

/** A Command document's content (JSON or YAML) as the stand-in needs it: parameters and the first step. */
export const commandDocumentOf = (name: string, version: string, content: string): CommandDocument => {
  const parsed = DocumentContent.parse(parse(content));
  const [first] = parsed.mainSteps;
  const parameters = Object.fromEntries(
    Object.entries(parsed.parameters ?? {}).map(([key, spec]) => [
      key,
      {
        ...(spec.allowedPattern ? { allowedPattern: new RegExp(spec.allowedPattern) } : {}),
        ...(spec.default !== undefined ? { default: String(spec.default) } : {}),
      },
    ]),
  );
  return {
    name,
    version,
    parameters,
    step: {
      name: first?.name ?? 'step',
      timeoutSeconds: first?.inputs?.timeoutSeconds ?? DEFAULT_STEP_TIMEOUT_SECONDS,
    },
  };
};

/** Reads documents from moto's SSM, where the template applier created them. */
export const documentsInSsm =
  (ssm: SSMClient): DocumentSource =>
  async (name) => {
    try {
      const out = await ssm.send(new GetDocumentCommand({ Name: name }));
      return commandDocumentOf(name, out.DocumentVersion ?? '1', out.Content ?? '');
    } catch (error) {
      if (awsErrorName(error) === 'InvalidDocument') return undefined;
      throw error;
    }
  };
