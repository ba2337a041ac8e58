import type { Logger } from '@aws-lambda-powertools/logger';
import { SlackResponseUrl } from '@branch-envs/shared';
import * as z from 'zod';
import { isHooksUrl } from '../config';
import type { SlackMessage } from '../domain/blocks';
import type { Budget, FileUpload, ResponseUrlBody, SlackGateway } from '../domain/ports';
import { retryDecision } from '../domain/retry';
import type { Thread } from '../domain/routing';
import { SlackApiError, SlackRateLimitedError, SlackUnavailableError, slackScopesOf } from '../errors';

export interface SlackGatewayOptions {
  /** `https://hooks.slack.com` in AWS; the Slack catcher in local mode. Swapped in at send time only. */
  hooksOrigin: string;
  /** `https://slack.com/api`, or the catcher's `/api`. */
  apiBase: string;
  botToken(): Promise<string | undefined>;
  webhookUrl(): Promise<string | undefined>;
  logger: Logger;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  timeoutMs?: number;
}

const ChatResponse = z.object({
  ok: z.boolean(),
  error: z.string().optional(),
  needed: z.string().optional(),
  provided: z.string().optional(),
  ts: z.string().optional(),
  channel: z.string().optional(),
  upload_url: z.string().optional(),
  file_id: z.string().optional(),
});

/** Where Slack's upload URLs point; the local catcher's own origin is accepted as the API base's. */
const UPLOAD_ORIGIN = 'https://files.slack.com';

/** Slack errors that a later attempt can get past; the rest need a person (token, channel, payload). */
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The path of a validated hooks URL on the configured origin (the local catcher swaps in here). */
const onHooksOrigin = (url: string, hooksOrigin: string): URL => {
  const { pathname, search } = new URL(url);
  return new URL(`${pathname}${search}`, hooksOrigin);
};

const json = (body: unknown) => ({
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify(body),
});

const chatError = (method: string, answer: z.infer<typeof ChatResponse>): Error =>
  TRANSIENT.has(answer.error ?? '')
    ? new SlackUnavailableError(method, answer.error ?? 'unknown')
    : new SlackApiError(method, answer.error ?? 'unknown_error', { scopes: slackScopesOf(answer) });

const threadFrom = (
  method: string,
  answer: z.infer<typeof ChatResponse>,
  fallbackChannel: string,
): Thread => {
  if (!answer.ts) throw new SlackUnavailableError(method, 'answer without ts');
  return { channel: answer.channel ?? fallbackChannel, ts: answer.ts };
};

/** A response_url or webhook answer that is not a 2xx: gone (next route), retryable, or refused. */
const hookFailure = async (method: string, response: Response): Promise<Error> => {
  const detail = (await response.text().catch(() => '')).slice(0, 200) || `HTTP ${response.status}`;
  return response.status >= 500
    ? new SlackUnavailableError(method, detail)
    : new SlackApiError(method, detail);
};

/**
 * Slack over plain `fetch`: three endpoints (response_url, chat.postMessage/chat.update, an incoming
 * webhook) do not justify @slack/web-api's size and its own retry policy, which would hide the 429
 * handling this service must control (README, "Why plain fetch"). Only hooks.slack.com URLs (or the
 * configured hooks origin) and the configured API base are ever contacted.
 */
export class SlackWebGateway implements SlackGateway {
  private readonly send: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly timeoutMs: number;

  public constructor(private readonly options: SlackGatewayOptions) {
    this.send = options.fetch ?? fetch;
    this.sleep = options.sleep ?? wait;
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  public async capabilities(): Promise<{ bot: boolean; webhook: boolean }> {
    const [bot, webhook] = await Promise.all([this.options.botToken(), this.options.webhookUrl()]);
    return { bot: bot !== undefined, webhook: webhook !== undefined };
  }

  public async respond(url: string, body: ResponseUrlBody, budget: Budget): Promise<'sent' | 'gone'> {
    if (!SlackResponseUrl.safeParse(url).success) {
      this.options.logger.warn('refused to post to a response_url outside https://hooks.slack.com/');
      return 'gone';
    }
    const target = onHooksOrigin(url, this.options.hooksOrigin);
    const response = await this.post('response_url', target, json(body), budget);
    if (response.ok) return 'sent';
    if (response.status === 404 || response.status === 410) return 'gone';
    throw await hookFailure('response_url', response);
  }

  public async postMessage(channel: string, message: SlackMessage, budget: Budget): Promise<Thread> {
    const body = { channel, ...message, unfurl_links: false, unfurl_media: false };
    const answer = await this.callChat('chat.postMessage', body, budget);
    if (!answer.ok) throw chatError('chat.postMessage', answer);
    return threadFrom('chat.postMessage', answer, channel);
  }

  public async update(thread: Thread, message: SlackMessage, budget: Budget): Promise<Thread | 'not_found'> {
    const body = { channel: thread.channel, ts: thread.ts, ...message };
    const answer = await this.callChat('chat.update', body, budget);
    if (!answer.ok && answer.error === 'message_not_found') return 'not_found';
    if (!answer.ok) throw chatError('chat.update', answer);
    return threadFrom('chat.update', answer, thread.channel);
  }

  public async webhook(message: SlackMessage, budget: Budget): Promise<void> {
    const { hooksOrigin } = this.options;
    const url = await this.options.webhookUrl();
    if (!url || !isHooksUrl(url, hooksOrigin)) throw new SlackApiError('webhook', 'webhook_url_not_allowed');
    const response = await this.post('webhook', onHooksOrigin(url, hooksOrigin), json(message), budget);
    if (!response.ok) throw await hookFailure('webhook', response);
  }

  public async postReply(thread: Thread, message: SlackMessage, budget: Budget): Promise<Thread> {
    const body = { channel: thread.channel, thread_ts: thread.ts, ...message, unfurl_links: false };
    const answer = await this.callChat('chat.postMessage', body, budget);
    if (!answer.ok) throw chatError('chat.postMessage', answer);
    return threadFrom('chat.postMessage', answer, thread.channel);
  }

  /**
   * Slack's external upload (files.upload is retired): ask for an upload URL for the file's byte
   * length, POST the bytes there (no token: the URL is signed), then complete the upload into the
   * channel, as a reply in the thread when `threadTs` is given.
   */
  public async uploadFile(file: FileUpload, budget: Budget): Promise<void> {
    const bytes = Buffer.from(file.content, 'utf8');
    const form = new URLSearchParams({
      filename: file.filename,
      length: String(bytes.length),
      snippet_type: 'text',
    });
    const asked = await this.callChat('files.getUploadURLExternal', form, budget);
    if (!asked.ok) throw chatError('files.getUploadURLExternal', asked);
    if (!asked.upload_url || !asked.file_id)
      throw new SlackUnavailableError('files.getUploadURLExternal', 'answer without upload_url or file_id');
    const uploadUrl = this.checkedUploadUrl(asked.upload_url);
    const uploaded = await this.post(
      'file upload',
      uploadUrl,
      { headers: { 'content-type': 'text/plain; charset=utf-8' }, body: bytes },
      budget,
    );
    if (!uploaded.ok) throw await hookFailure('file upload', uploaded);
    await uploaded.arrayBuffer().catch(() => undefined);
    const completed = await this.callChat(
      'files.completeUploadExternal',
      {
        files: [{ id: asked.file_id, title: file.title }],
        channel_id: file.channel,
        ...(file.threadTs ? { thread_ts: file.threadTs } : {}),
        initial_comment: file.comment,
      },
      budget,
    );
    if (!completed.ok) throw chatError('files.completeUploadExternal', completed);
  }

  private checkedUploadUrl(url: string): URL {
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    const allowed = [UPLOAD_ORIGIN, new URL(this.options.apiBase).origin];
    if (!parsed || !allowed.includes(parsed.origin))
      throw new SlackApiError('files.getUploadURLExternal', 'upload_url_not_allowed');
    return parsed;
  }

  /** A Web API call with the bot token: JSON for an object, form-encoded for URLSearchParams. */
  private async callChat(method: string, body: Record<string, unknown> | URLSearchParams, budget: Budget) {
    const token = await this.options.botToken();
    if (!token) throw new SlackApiError(method, 'not_authed');
    const init =
      body instanceof URLSearchParams
        ? {
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: body.toString(),
          }
        : json(body);
    const headers = { ...init.headers, authorization: `Bearer ${token}` };
    const url = new URL(`${this.options.apiBase}/${method}`);
    const response = await this.post(method, url, { ...init, headers }, budget);
    if (response.status >= 500) throw new SlackUnavailableError(method, `HTTP ${response.status}`);
    const parsed = ChatResponse.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success)
      throw new SlackUnavailableError(method, `unreadable answer (HTTP ${response.status})`);
    return parsed.data;
  }

  /** One POST, repeated after Retry-After on 429 while the invocation has time for it. */
  private async post(method: string, url: URL, init: RequestInit, budget: Budget): Promise<Response> {
    for (let attempt = 1; ; attempt += 1) {
      const response = await this.attempt(method, url, init, budget);
      if (response.status !== 429) return response;
      await response.arrayBuffer().catch(() => undefined); // frees the connection for the retry
      const retryAfter = response.headers.get('retry-after');
      const remainingMs = budget.remainingMs();
      const decision = retryDecision({ retryAfter, attempt, remainingMs, now: new Date() });
      if (!decision.retry) throw new SlackRateLimitedError(method, decision.retryAfterSeconds);
      this.options.logger.info('Slack rate limited the call; waiting for Retry-After', {
        method,
        delayMs: decision.delayMs,
      });
      await this.sleep(decision.delayMs);
    }
  }

  private async attempt(method: string, url: URL, init: RequestInit, budget: Budget): Promise<Response> {
    try {
      const signal = AbortSignal.timeout(Math.max(1, Math.min(this.timeoutMs, budget.remainingMs())));
      return await this.send(url, { ...init, method: 'POST', signal });
    } catch (error) {
      const detail = error instanceof Error ? error.name : 'network error';
      throw new SlackUnavailableError(method, detail, { cause: error });
    }
  }
}
