import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { PullRequestClosed } from '@branch-envs/shared/events/PullRequestClosed';
import { newId } from '@branch-envs/shared/ids';
import type { Publisher } from '@branch-envs/shared/publish';
import type { Context } from 'aws-lambda';
import type { DeliveryPublisher, PublishOutcome } from '../domain/ports';

/**
 * GitHub may redeliver a delivery (its own retries, or "Redeliver" in the webhook's log) for three
 * days; the record outlives that, and the archive replays the event itself, which the reaper's own
 * idempotency and state machine absorb.
 */
const DELIVERY_RECORD_SECONDS = 7 * 24 * 3600;

export interface DeliveryPublisherOptions {
  publisher: Publisher<'github-ingress'>;
  persistenceStore: BasePersistenceLayer;
  now?: () => Date;
}

interface Delivery {
  deliveryId: string;
  data: PullRequestClosed['data'];
  /** Set when the publish really ran (not a stored result); not part of the key. */
  seen: { ran: boolean };
}

/**
 * Publishes at most once per `X-GitHub-Delivery` id: a conditional write in the platform's
 * idempotency table (Powertools idempotency, keyed on the id alone) guards the publish. A failed
 * publish removes the record, so GitHub's redelivery tries again; a completed one answers
 * `duplicate` for every later copy.
 */
export const createDeliveryPublisher = ({
  publisher,
  persistenceStore,
  now = () => new Date(),
}: DeliveryPublisherOptions): DeliveryPublisher & { registerContext(context: Context): void } => {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'deliveryId',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: DELIVERY_RECORD_SECONDS,
  });
  const publishDelivery = makeIdempotent(
    async ({ data, seen }: Delivery): Promise<{ eventId: string }> => {
      seen.ran = true;
      const [published] = await publisher.publish([
        { contract: PullRequestClosed, data, cause: { correlationId: newId(now().getTime()) } },
      ]);
      return { eventId: published?.metadata.eventId ?? '' };
    },
    { persistenceStore, config },
  );
  return {
    registerContext: (context) => config.registerLambdaContext(context),
    async publishOnce(deliveryId, data): Promise<PublishOutcome> {
      const seen = { ran: false };
      try {
        await publishDelivery({ deliveryId, data, seen });
      } catch (error) {
        if (error instanceof IdempotencyAlreadyInProgressError) return 'in_progress';
        throw error;
      }
      return seen.ran ? 'published' : 'duplicate';
    },
  };
};
