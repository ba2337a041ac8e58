/**
 * `rate-limited`: the primary limit as GitHub answers it (REST 403, GraphQL HTTP 200 + RATE_LIMITED);
 * `429`: the primary limit answered 429; `secondary-rate-limited`: 429 with retry-after 60.
 */
export const FAULT_KINDS = ['500', 'rate-limited', '429', 'secondary-rate-limited', 'timeout'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface GithubCalls {
  total: number;
  notModified: number;
  byEndpoint: Record<string, number>;
  log: { method: string; endpoint: string; path: string; status: number }[];
}

/** GitHub's primary rate limits per resource, for an authenticated app. */
const RATE_LIMITS: Record<string, number> = { core: 5000, search: 30, graphql: 5000 };

export type RateResource = 'core' | 'search' | 'graphql';

export const resourceOf = (path: string): RateResource =>
  path === '/graphql' ? 'graphql' : path.startsWith('/search/') ? 'search' : 'core';

/**
 * What the GitHub stand-in counts: calls per endpoint (for tests asserting "at most two calls per
 * resolution"), rate-limit use per resource (304s are free, as on GitHub), and queued faults.
 */
export class GithubLedger {
  private calls: GithubCalls = { total: 0, notModified: 0, byEndpoint: {}, log: [] };
  private faults: { kind: FaultKind; delayMs: number }[] = [];
  private used: Record<string, number> = {};
  private readonly resetAt = Math.floor(Date.now() / 1000) + 3600;

  public snapshot(): GithubCalls {
    return this.calls;
  }

  public count(method: string, endpoint: string, path: string, status: number): void {
    this.calls.total++;
    if (status === 304) this.calls.notModified++;
    this.calls.byEndpoint[endpoint] = (this.calls.byEndpoint[endpoint] ?? 0) + 1;
    this.calls.log.push({ method, endpoint, path, status });
  }

  public spend(resource: RateResource): void {
    this.used[resource] = (this.used[resource] ?? 0) + 1;
  }

  public rateHeaders(resource: RateResource, exhausted = false): Record<string, string> {
    const limit = RATE_LIMITS[resource] ?? 0;
    const used = this.used[resource] ?? 0;
    return {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': exhausted ? '0' : String(Math.max(limit - used, 0)),
      'x-ratelimit-reset': String(this.resetAt),
      'x-ratelimit-used': String(used),
      'x-ratelimit-resource': resource,
    };
  }

  public addFaults(count: number, kind: FaultKind, delayMs: number): number {
    for (let i = 0; i < count; i++) this.faults.push({ kind, delayMs });
    return this.faults.length;
  }

  public nextFault(): { kind: FaultKind; delayMs: number } | undefined {
    return this.faults.shift();
  }

  public reset(): void {
    this.calls = { total: 0, notModified: 0, byEndpoint: {}, log: [] };
    this.faults = [];
    this.used = {};
  }
}
