import type { HealthCheck } from '../domain/ports';

export interface HealthCheckOptions {
  timeoutMs: number;
  expectedStatus: number;
  fetch?: typeof globalThis.fetch;
}

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  cause?: { code?: unknown; message?: unknown };
}

/** fetch's errors come from undici and may belong to another realm, so they are read by shape. */
const reasonOf = (error: unknown, timeoutMs: number): string => {
  const e: ErrorLike = typeof error === 'object' && error !== null ? error : {};
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  if (typeof e.cause?.code === 'string') return e.cause.code;
  if (typeof e.cause?.message === 'string') return e.cause.message;
  return typeof e.message === 'string' ? e.message : String(error);
};

/**
 * One HTTP GET against the app, with a short timeout so a probe never holds its Lambda for long.
 * Redirects are not followed: an app that answers its health path with a redirect (to a login page,
 * say) is not what the expected status describes. The body is never read.
 */
export const createHealthCheck = ({
  timeoutMs,
  expectedStatus,
  fetch = globalThis.fetch,
}: HealthCheckOptions): HealthCheck => ({
  async check(url) {
    try {
      const response = await fetch(url, {
        method: 'GET',
        redirect: 'manual',
        headers: { 'user-agent': 'branch-envs-provisioner-probe' },
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.status === expectedStatus) return { healthy: true, status: response.status };
      return { healthy: false, observation: `GET ${url} answered ${response.status}` };
    } catch (error) {
      return { healthy: false, observation: `GET ${url} failed: ${reasonOf(error, timeoutMs)}` };
    }
  },
});
