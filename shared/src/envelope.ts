import * as z from 'zod';

/** Crockford base32 ULID: sortable by time, which keeps DynamoDB keys and logs in order. */
export const Ulid = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a ULID');

/**
 * The metadata every event carries (docs/architecture.md §2). `correlationId` is the deployId (or the request id for
 * fleet-wide requests such as `/terminate all`); `causationId` is the `eventId` of the event that caused
 * this one, or of itself for the first event of a conversation.
 */
export const EventMetadata = z
  .object({
    eventId: Ulid,
    schemaVersion: z.number().int().positive(),
    correlationId: Ulid,
    causationId: Ulid,
    occurredAt: z.iso.datetime({ offset: true }),
    producer: z.string().regex(/^branch-envs\.[a-z-]+$/),
  })
  .strict();
export type EventMetadata = z.infer<typeof EventMetadata>;

/** The `detail` of an event: `{ metadata, data }`, with the version pinned to the contract's. */
export type EventDetail<TData> = { metadata: EventMetadata; data: TData };

/**
 * The services that publish or consume events. An event's `Source` is `branch-envs.<service>`, and a
 * contract names its producers and consumers from this list, so a misspelt service fails to compile.
 */
export const SERVICE_NAMES = [
  'slack-ingress',
  'github-ingress',
  'branch-resolver',
  'provisioner',
  'reaper',
  'notifier',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/**
 * The function of each service whose queue receives the events it consumes, unless a contract names
 * another one in `consumerFunctions` (the provisioner's `update` takes `UpdateRequested`, ADR 0029).
 * github-ingress consumes nothing. The static wiring test checks every rule against these names.
 */
export const MAIN_CONSUMER_FUNCTION = {
  'slack-ingress': 'home',
  'github-ingress': 'webhook',
  'branch-resolver': 'consume',
  provisioner: 'provision',
  reaper: 'requests',
  notifier: 'notify',
} as const satisfies Record<ServiceName, string>;
export type MainConsumerFunction<S extends ServiceName> = (typeof MAIN_CONSUMER_FUNCTION)[S];

/** Per consumer service, the function (by its serverless.yml name) whose queue receives the event. */
export type ConsumerFunctions<TConsumer extends ServiceName = ServiceName> = {
  readonly [S in TConsumer]?: string;
};

/**
 * One event version: its name, its version, its data schema (the only place the shape is written) and
 * who publishes and who consumes it (the only place the wiring is written). Producers and consumers
 * parse against `detail`; consumers' accepted contracts, the publishers' types, the rule checks and the
 * AsyncAPI document all come from it.
 */
export interface EventContract<
  TName extends string = string,
  TData extends z.ZodType = z.ZodType,
  TProducer extends ServiceName = ServiceName,
  TConsumer extends ServiceName = ServiceName,
  TVersion extends number = number,
  TFunctions extends ConsumerFunctions<TConsumer> = ConsumerFunctions<TConsumer>,
> {
  readonly detailType: TName;
  /** A literal type, so two versions of one event are distinct types even with the same data. */
  readonly schemaVersion: TVersion;
  readonly description: string;
  /** The services that publish this version; empty once a newer version has replaced it. */
  readonly producers: readonly TProducer[];
  /** The services whose queue receives this version. */
  readonly consumers: readonly TConsumer[];
  /**
   * For a consumer whose events go to another function than its main one (`MAIN_CONSUMER_FUNCTION`):
   * that function. The rule that routes this version feeds that function's queue, and only it.
   */
  readonly consumerFunctions?: TFunctions;
  readonly data: TData;
  readonly detail: z.ZodType<EventDetail<z.output<TData>>>;
}

/** Declares one event version; a new version is a new call in its own file, never an edit of this one. */
export const defineEvent = <
  TName extends string,
  TData extends z.ZodType,
  const TProducer extends ServiceName,
  const TConsumer extends ServiceName,
  const TVersion extends number,
  const TFunctions extends ConsumerFunctions<TConsumer> = Record<never, never>,
>(spec: {
  detailType: TName;
  schemaVersion: TVersion;
  description: string;
  producers: readonly TProducer[];
  consumers: readonly TConsumer[];
  consumerFunctions?: TFunctions;
  data: TData;
}): EventContract<TName, TData, TProducer, TConsumer, TVersion, TFunctions> => ({
  ...spec,
  detail: z
    .object({
      metadata: EventMetadata.extend({ schemaVersion: z.literal(spec.schemaVersion) }),
      data: spec.data,
    })
    .strict() as unknown as z.ZodType<EventDetail<z.output<TData>>>,
});

/** The function of `service` that consumes `contract`: the one it names, else the service's main one. */
export const consumerFunctionOf = (contract: EventContract, service: ServiceName): string =>
  (contract.consumerFunctions as Record<string, string | undefined> | undefined)?.[service] ??
  MAIN_CONSUMER_FUNCTION[service];

/** The data type of a contract. */
export type DataOf<C extends EventContract> = z.output<C['data']>;
/** The detail (`{ metadata, data }`) type of a contract. */
export type DetailOf<C extends EventContract> = z.output<C['detail']>;
