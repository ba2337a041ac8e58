import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { FailureReason } from '@branch-envs/shared/events/DeployFailed';
import { DEPLOY_METRICS, metrics as sharedMetrics } from '@branch-envs/shared/observability';

/** The deploy outcomes as CloudWatch metrics (EMF), for the stage's dashboard. */
export interface DeployMetrics {
  launched(): void;
  /** `requestedAt` is the record's createdAt: the time to ready includes resolving and launching. */
  ready(requestedAt: string, now: Date): void;
  failed(reason: FailureReason): void;
}

export const NO_DEPLOY_METRICS: DeployMetrics = { launched() {}, ready() {}, failed() {} };

/** Each metric goes out at once, so nothing depends on a flush at the end of the batch. */
export const cloudWatchDeployMetrics = (metrics: Metrics = sharedMetrics): DeployMetrics => ({
  launched() {
    metrics.singleMetric().addMetric(DEPLOY_METRICS.launched, MetricUnit.Count, 1);
  },
  ready(requestedAt, now) {
    metrics.singleMetric().addMetric(DEPLOY_METRICS.ready, MetricUnit.Count, 1);
    const seconds = (now.getTime() - Date.parse(requestedAt)) / 1000;
    if (Number.isFinite(seconds) && seconds >= 0)
      metrics.singleMetric().addMetric(DEPLOY_METRICS.timeToReady, MetricUnit.Seconds, seconds);
  },
  failed(reason) {
    const single = metrics.singleMetric();
    single.addDimension('reason', reason);
    single.addMetric(DEPLOY_METRICS.failed, MetricUnit.Count, 1);
  },
});
