import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { bootFailedFailure } from '../failures';
import { tokenMatches } from '../phoneHomeToken';
import type { Log, ProberPorts, ReadinessSettings } from '../ports';
import {
  checkApp,
  failReadiness,
  markReady,
  type ReadinessDeps,
  type ReadinessOutcome,
  type ReadinessTarget,
} from './readinessSteps';

/** What `bootstrap.sh` posts once its boot has ended (cloud-init/README.md). */
export interface PhoneHomeReport {
  deployId: string;
  /** From `cloud-init query`; absent when that failed on the instance. */
  instanceId?: string;
  status: 'ready' | 'failed';
  /** The boot step that was running: where a failure happened. */
  step?: string;
}

export type PhoneHomeOutcome =
  | { kind: 'done'; outcome: ReadinessOutcome }
  /** No such deployment, no phone-home for it, or the wrong token: indistinguishable on purpose. */
  | { kind: 'unauthorized' }
  /** Authentic, but about another instance, or before the launch was recorded (the instance retries). */
  | { kind: 'conflict'; message: string };

/**
 * An instance reports the end of its boot (docs/architecture.md §5, ADR 0005). The report only speeds the loop
 * up; it is never taken on trust:
 * - the bearer token must hash to the one the claim recorded, or nothing is read or written;
 * - `ready` is followed by the same DescribeInstances and health check a probe makes, and only a
 *   healthy answer moves the record to READY (InstanceReady `phone_home`); otherwise the probe loop,
 *   still running, decides as before;
 * - `failed` ends the deployment at once (DeployFailed `boot_failed`, naming the step) instead of
 *   waiting for the boot timeout; the instance is terminated unless failed instances are kept.
 * Both end with the same conditional writes as a probe, so a probe and a phone-home, or a repeated
 * phone-home, publish one outcome between them.
 */
export const handlePhoneHome = async (
  report: PhoneHomeReport,
  token: string,
  log: Log,
  deps: ReadinessDeps,
): Promise<PhoneHomeOutcome> => {
  const record = await deps.ports.repository.get(report.deployId);
  if (record?.kind !== 'deployment' || !record.phoneHome) return { kind: 'unauthorized' };
  if (!tokenMatches(token, record.phoneHome.tokenSha256)) return { kind: 'unauthorized' };
  if (!record.instanceId) {
    return { kind: 'conflict', message: 'the launch of this deployment is not recorded yet; retry' };
  }
  if (report.instanceId !== undefined && report.instanceId !== record.instanceId) {
    log.warn('A phone-home names an instance the deployment does not own', {
      reported: report.instanceId,
      instanceId: record.instanceId,
    });
    return { kind: 'conflict', message: 'this deployment runs on another instance' };
  }
  const target: ReadinessTarget = {
    deployId: record.deployId,
    instanceId: record.instanceId,
    cause: record.phoneHome.cause,
  };
  return { kind: 'done', outcome: await settle(record, target, report, log, deps) };
};

/**
 * A phone-home that died between the READY write and the publish is retried by the instance:
 * publish the outcome again (same eventId, so deduplicated), or nobody ever hears "ready" (ADR 0018).
 */
const republishReady = async (
  record: DeploymentRecord,
  target: ReadinessTarget,
  { ports }: ReadinessDeps,
): Promise<ReadinessOutcome> => {
  if (!record.url) return 'ignored';
  await ports.events.ready(
    target.cause,
    record,
    target.instanceId,
    record.url,
    record.detectedBy ?? 'phone_home',
  );
  return 'republished';
};

/** An authentic report about the deployment's own instance: act on it if the record is RUNNING. */
const settle = async (
  record: DeploymentRecord,
  target: ReadinessTarget,
  report: PhoneHomeReport,
  log: Log,
  deps: ReadinessDeps,
): Promise<ReadinessOutcome> => {
  const { ports, settings } = deps;
  if (record.status === 'TERMINATING') {
    await ports.instances.terminate(target.instanceId);
    return 'terminated';
  }
  if (record.status === 'READY' && report.status === 'ready') return republishReady(record, target, deps);
  if (record.status !== 'RUNNING') return 'ignored';
  if (report.status === 'failed') {
    const kept = settings.keepFailedInstances;
    const context = { instanceId: target.instanceId, region: settings.region, kept };
    log.warn('The instance reports a failed boot', { step: report.step });
    return failReadiness(
      target,
      record,
      bootFailedFailure(context, report.step),
      { kept, terminate: !kept },
      deps,
    );
  }
  const check = await checkApp(target.instanceId, await ports.instances.describe(target.instanceId), deps);
  if (check.ready) return markReady(target, check.url, 'phone_home', deps, log);
  log.warn('The instance reports ready, but the health check does not agree yet; the probes go on', {
    last: check.last,
  });
  return 'waiting';
};

/** The phone-home as the handler sees it; ports and settings are bound once per cold start. */
export const createPhoneHome = (ports: ProberPorts, settings: ReadinessSettings) => {
  const deps: ReadinessDeps = { ports, settings };
  return {
    handle: (report: PhoneHomeReport, token: string, log: Log): Promise<PhoneHomeOutcome> =>
      handlePhoneHome(report, token, log, deps),
  };
};
