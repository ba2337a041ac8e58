import { stringify } from 'yaml';
import * as z from 'zod';
import { consumerFunctionOf, type EventContract, type ServiceName } from '../envelope';
import { allContracts } from '../events';

/** The JSON Schema (draft 2020-12) of one event version's detail, generated from its zod schema. */
export const jsonSchemaOf = (contract: EventContract): Record<string, unknown> => ({
  $id: `https://branch-envs.dev/events/${contract.detailType}.v${contract.schemaVersion}.json`,
  title: contract.detailType,
  description: contract.description,
  ...z.toJSONSchema(contract.detail, { target: 'draft-2020-12', io: 'input' }),
});

export const schemaFileName = (c: EventContract): string => `${c.detailType}.v${c.schemaVersion}.json`;

interface Ref {
  $ref: string;
}
interface Channel {
  address: string;
  description: string;
  messages: Record<string, Ref>;
}
interface Operation {
  action: 'send' | 'receive';
  channel: Ref;
  summary: string;
  messages: Ref[];
}

/** `record[key]`, created by `init` the first time. */
const entry = <T>(record: Record<string, T>, key: string, init: () => NoInfer<T>): T => {
  const found = record[key] ?? init();
  record[key] = found;
  return found;
};

const messageName = (c: EventContract): string => `${c.detailType}V${c.schemaVersion}`;

const messageOf = (c: EventContract) => ({
  name: c.detailType,
  title: `${c.detailType} v${c.schemaVersion}`,
  summary: c.description,
  contentType: 'application/json',
  payload: { schemaFormat: 'application/schema+json;version=draft-2020-12', schema: jsonSchemaOf(c) },
});

/** One channel per detail-type; each version of the event is one of its messages. */
const addChannel = (channels: Record<string, Channel>, c: EventContract): void => {
  const channel = entry(channels, c.detailType, () => ({
    address: c.detailType,
    description: `EventBridge detail-type ${c.detailType} on branch-envs-\${stage}-bus`,
    messages: {},
  }));
  channel.messages[messageName(c)] = { $ref: `#/components/messages/${messageName(c)}` };
};

/** The send and receive operations the contract declares: one per service and detail-type. */
const addOperations = (operations: Record<string, Operation>, c: EventContract): void => {
  const roles = [
    ['send', c.producers, (s: string) => `${s} publishes ${c.detailType} with Source branch-envs.${s}`],
    [
      'receive',
      c.consumers,
      (s: string) =>
        `${s} receives ${c.detailType} through the SQS queue of its ${consumerFunctionOf(c, s as ServiceName)} function`,
    ],
  ] as const;
  for (const [action, services, summary] of roles) {
    for (const service of services) {
      const operation = entry(operations, `${service}.${action}${c.detailType}`, () => ({
        action,
        channel: { $ref: `#/channels/${c.detailType}` },
        summary: summary(service),
        messages: [],
      }));
      operation.messages.push({ $ref: `#/channels/${c.detailType}/messages/${messageName(c)}` });
    }
  }
};

/**
 * The AsyncAPI 3 document for the bus: one channel per event (its detail-type), one message per
 * version, payloads as the generated JSON Schemas, and the send/receive operations that each
 * contract's `producers` and `consumers` declare.
 */
export const asyncApiDocument = (): Record<string, unknown> => {
  const channels: Record<string, Channel> = {};
  const operations: Record<string, Operation> = {};
  const messages: Record<string, unknown> = {};
  for (const c of allContracts) {
    messages[messageName(c)] = messageOf(c);
    addChannel(channels, c);
    addOperations(operations, c);
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
