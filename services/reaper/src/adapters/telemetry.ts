import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Telemetry } from '../domain/ports';

/** Counters as CloudWatch EMF metrics through Powertools; flushed once per invocation by the handler. */
export const createTelemetry = (metrics: Metrics): Telemetry & { flush(): void } => {
  let pending = false;
  return {
    count(name, value = 1) {
      if (value <= 0) return;
      metrics.addMetric(name, MetricUnit.Count, value);
      pending = true;
    },
    flush() {
      if (!pending) return;
      metrics.publishStoredMetrics();
      pending = false;
    },
  };
};
