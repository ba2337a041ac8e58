import { DescribeInstanceAttributeCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { deployDocumentOf, userDataFromBase64 } from '@branch-envs/shared/userData';

export interface PhoneHomeTarget {
  deployId: string;
  url: string;
  token: string;
}

/** An instance's deploy.json, read from its user data as cloud-init would; undefined when it has none. */
export const deployDocumentOfInstance = async (
  ec2: EC2Client,
  instanceId: string,
): Promise<Record<string, unknown> | undefined> => {
  const out = await ec2.send(
    new DescribeInstanceAttributeCommand({ InstanceId: instanceId, Attribute: 'userData' }),
  );
  return deployDocumentOf(userDataFromBase64(out.UserData?.Value ?? ''));
};

/** The phone-home of a deploy.json; undefined when off. */
export const phoneHomeTargetFrom = (
  document: Record<string, unknown> | undefined,
): PhoneHomeTarget | undefined => {
  const { deployId, phoneHomeUrl, phoneHomeToken } = document ?? {};
  if (typeof phoneHomeUrl !== 'string' || typeof phoneHomeToken !== 'string') return undefined;
  return { deployId: String(deployId), url: phoneHomeUrl, token: phoneHomeToken };
};

/** The phone-home of an instance's deploy.json, read from its user data as cloud-init would; undefined when off. */
export const phoneHomeTargetOf = async (
  ec2: EC2Client,
  instanceId: string,
): Promise<PhoneHomeTarget | undefined> =>
  phoneHomeTargetFrom(await deployDocumentOfInstance(ec2, instanceId));

const RETRIES = 5;

/** Waits `ms`, or rejects at once when the simulator stops (so no timer outlives it). */
const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

/**
 * What bootstrap.sh's `report ready` (or `report failed` at `failedStep`) sends: the status JSON with the bearer token, retried with
 * backoff (1, 2, 4, 8, 16 s, like `curl --retry 5 --retry-all-errors`) on anything but a 2xx.
 */
export const reportReady = async (
  instanceId: string,
  target: PhoneHomeTarget,
  options: { retryDelayMs?: number; signal?: AbortSignal; failedStep?: string } = {},
): Promise<number> => {
  const outcome = options.failedStep
    ? { status: 'failed', step: options.failedStep }
    : { status: 'ready', step: 'start-app' };
  const body = JSON.stringify({ deployId: target.deployId, instanceId, ...outcome });
  const stopped = options.signal ?? new AbortController().signal;
  let status = 0;
  for (let attempt = 0; attempt <= RETRIES; attempt += 1) {
    if (attempt > 0) await sleep((options.retryDelayMs ?? 1000) * 2 ** (attempt - 1), stopped);
    const response = await fetch(target.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
      body,
      signal: AbortSignal.any([stopped, AbortSignal.timeout(10_000)]),
    }).catch(() => undefined);
    stopped.throwIfAborted();
    status = response?.status ?? 0;
    if (response?.ok) return status;
  }
  throw new Error(`no 2xx after ${RETRIES + 1} tries (last: ${status || 'no answer'})`);
};
