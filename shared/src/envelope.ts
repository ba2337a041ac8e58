import * as z from 'zod';

/** Crockford base32 ULID: sortable by time, which keeps DynamoDB keys and logs in order. */
export const Ulid = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a ULID');

/**
 * The metadata every event carries (DESIGN §2). `correlationId` is the deployId (or the request id for
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
 * One event version: its name, its version and its data schema, which is the only place the shape is
 * written. Producers and consumers parse against `detail`; the JSON Schema and AsyncAPI document are
 * generated from it.
 */
export interface EventContract<TName extends string = string, TData extends z.ZodType = z.ZodType> {
  readonly detailType: TName;
  readonly schemaVersion: number;
  readonly description: string;
  readonly data: TData;
  readonly detail: z.ZodType<EventDetail<z.output<TData>>>;
}

export const defineEvent = <TName extends string, TData extends z.ZodType>(spec: {
  detailType: TName;
  schemaVersion: number;
  description: string;
  data: TData;
}): EventContract<TName, TData> => ({
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
