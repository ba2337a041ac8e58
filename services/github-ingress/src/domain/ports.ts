import type { PullRequestClosed } from '@branch-envs/shared/events/PullRequestClosed';

/** `published` the first time a delivery id is seen; `duplicate` for a redelivery of it. */
export type PublishOutcome = 'published' | 'duplicate' | 'in_progress';

/** Publishes one delivery's event at most once per `X-GitHub-Delivery` id. */
export interface DeliveryPublisher {
  publishOnce(deliveryId: string, data: PullRequestClosed['data']): Promise<PublishOutcome>;
}
