import { stringify } from 'yaml';
import * as z from 'zod';
import type { EventContract } from '../envelope';
import { allContracts, producers } from '../events';

/** The JSON Schema (draft 2020-12) of one event version's detail, generated from its zod schema. */
export const jsonSchemaOf = (contract: EventContract): Record<string, unknown> => ({
  $id: `https://branch-envs.dev/events/${contract.detailType}.v${contract.schemaVersion}.json`,
  title: contract.detailType,
  description: contract.description,
  ...z.toJSONSchema(contract.detail, { target: 'draft-2020-12', io: 'input' }),
});

export const schemaFileName = (c: EventContract): string => `${c.detailType}.v${c.schemaVersion}.json`;

const consumersOf: Record<string, string[]> = {
  DeployRequested: ['branch-resolver'],
  TerminateRequested: ['reaper'],
  ExtendRequested: ['reaper'],
  BranchResolved: ['provisioner', 'notifier'],
  DeployRejected: ['notifier'],
  InstanceLaunched: ['notifier'],
  InstanceReady: ['notifier'],
  DeployFailed: ['notifier'],
  InstanceExpiring: ['notifier'],
  InstanceTerminated: ['notifier'],
  ExpiryExtended: ['notifier'],
  RequestRefused: ['notifier'],
};

/**
 * The AsyncAPI 3 document for the bus: one channel per event (its detail-type), one message each,
 * payloads as the generated JSON Schemas, and send/receive operations per service.
 */
export const asyncApiDocument = (): Record<string, unknown> => {
  const channels: Record<string, { address: string; description: string; messages: object }> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const c of allContracts) {
    const messageName = `${c.detailType}V${c.schemaVersion}`;
    const ref = { $ref: `#/components/messages/${messageName}` };
    messages[messageName] = {
      name: c.detailType,
      title: `${c.detailType} v${c.schemaVersion}`,
      summary: c.description,
      contentType: 'application/json',
      payload: { schemaFormat: 'application/schema+json;version=draft-2020-12', schema: jsonSchemaOf(c) },
    };
    channels[c.detailType] = {
      address: c.detailType,
      description: `EventBridge detail-type ${c.detailType} on branch-envs-\${stage}-bus`,
      messages: { ...channels[c.detailType]?.messages, [messageName]: ref },
    };
    for (const producer of producers[c.detailType]) {
      operations[`${producer}.send${c.detailType}`] = {
        action: 'send',
        channel: { $ref: `#/channels/${c.detailType}` },
        summary: `${producer} publishes ${c.detailType} with Source branch-envs.${producer}`,
      };
    }
    for (const consumer of consumersOf[c.detailType] ?? []) {
      operations[`${consumer}.receive${c.detailType}`] = {
        action: 'receive',
        channel: { $ref: `#/channels/${c.detailType}` },
        summary: `${consumer} receives ${c.detailType} through its SQS queue`,
      };
    }
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'branch-envs domain events',
      version: '1.0.0',
      description:
        'Generated from the zod schemas in shared/src/events by `npm run contracts`; do not edit by hand. ' +
        'Every detail is { metadata, data }; idempotency is keyed on metadata.eventId.',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages },
  };
};

/** Every generated file, relative to the repository root, with its content. */
export const generatedContractFiles = (): Map<string, string> => {
  const files = new Map<string, string>();
  for (const c of allContracts) {
    files.set(`docs/events/schemas/${schemaFileName(c)}`, `${JSON.stringify(jsonSchemaOf(c), null, 2)}\n`);
  }
  files.set(
    'docs/events/asyncapi.yaml',
    stringify(asyncApiDocument(), { lineWidth: 0, aliasDuplicateObjects: false }),
  );
  return files;
};
