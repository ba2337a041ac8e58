import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics } from '@branch-envs/shared/observability';
import type { Telemetry } from '../domain/ports';

/** Counts go out at once as EMF log lines, so nothing depends on a flush at the end of the batch. */
export const cloudWatchTelemetry = (): Telemetry => ({
  count(metric) {
    metrics.singleMetric().addMetric(metric, MetricUnit.Count, 1);
  },
});
