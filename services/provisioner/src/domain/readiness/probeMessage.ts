import { EventMetadata, Ulid } from '@branch-envs/shared/envelope';
import { IsoDateTime } from '@branch-envs/shared/events/common';
import * as z from 'zod';

/**
 * A readiness probe on the provisioner's own queue. It carries no EventBridge envelope (nothing
 * but the provisioner reads it), so it is parsed here, strictly, like any input from outside.
 * `cause` is the InstanceLaunched metadata: the outcome events are caused by it.
 */
export const ProbeMessage = z
  .object({
    deployId: Ulid,
    instanceId: z.string().regex(/^i-[0-9a-f]{8,17}$/),
    attempt: z.number().int().positive(),
    deadline: IsoDateTime,
    /** When the message was due to become visible; how late it ran tells the next delay (probe.ts). */
    dueAt: IsoDateTime.optional(),
    cause: EventMetadata,
    last: z.string().max(300).optional(),
  })
  .strict();
export type ProbeMessage = z.infer<typeof ProbeMessage>;
