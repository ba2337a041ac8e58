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
> {
  readonly detailType: TName;
  /** A literal type, so two versions of one event are distinct types even with the same data. */
  readonly schemaVersion: TVersion;
  readonly description: string;
  /** The services that publish this version; empty once a newer version has replaced it. */
  readonly producers: readonly TProducer[];
  /** The services whose queue receives this version. */
  readonly consumers: readonly TConsumer[];
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
>(spec: {
  detailType: TName;
  schemaVersion: TVersion;
  description: string;
  producers: readonly TProducer[];
  consumers: readonly TConsumer[];
  data: TData;
}): EventContract<TName, TData, TProducer, TConsumer, TVersion> => ({
  ...spec,
  detail: z
    .object({
      metadata: EventMetadata.extend({ schemaVersion: z.literal(spec.schemaVersion) }),
      data: spec.data,
    })
    .strict() as unknown as z.ZodType<EventDetail<z.output<TData>>>,
});

/** The data type of a contract. */
export type DataOf<C extends EventContract> = z.output<C['data']>;
/** The detail (`{ metadata, data }`) type of a contract. */
export type DetailOf<C extends EventContract> = z.output<C['detail']>;
