import type { IncomingMessage } from 'node:http';
import { isRecord } from '../templates/cfnTypes';
import type { Answer } from './httpServer';

/**
 * Slack's external file upload for the catcher (ADR 0030), as Slack documents it:
 * `files.getUploadURLExternal` (form-encoded `filename`, `length`) answers `upload_url` and
 * `file_id`; the bytes are POSTed to the upload URL (HTTP 200 `OK - <length>`); and
 * `files.completeUploadExternal` (`files: [{id, title}]`, `channel_id`, `thread_ts`,
 * `initial_comment`) shares it and answers `files`. `files.upload` is retired and refused.
 */

export interface CaughtFile {
  id: string;
  filename: string;
  title?: string;
  length: number;
  content?: string;
}

export interface CompletedUpload {
  channel?: string;
  threadTs?: string;
  comment?: string;
  files: CaughtFile[];
}

const fail = (error: string): Answer => ({ status: 200, body: { ok: false, error } });

const authError = (req: IncomingMessage, botToken: string | undefined): string | undefined => {
  const auth = req.headers.authorization;
  if (!auth) return 'not_authed';
  if (botToken && auth !== `Bearer ${botToken}`) return 'invalid_auth';
  return undefined;
};

const filesOf = (value: unknown): { id: string; title?: string }[] | undefined => {
  const list = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const files = list.filter(isRecord).map((f) => ({
    id: String(f.id ?? ''),
    ...(typeof f.title === 'string' ? { title: f.title } : {}),
  }));
  return files.length === list.length ? files : undefined;
};

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Where completeUploadExternal shares the files, as it was asked. */
const sharing = (payload: Record<string, unknown>): Omit<CompletedUpload, 'files'> => {
  const [channel, threadTs, comment] = [payload.channel_id, payload.thread_ts, payload.initial_comment].map(
    text,
  );
  return {
    ...(channel ? { channel } : {}),
    ...(threadTs ? { threadTs } : {}),
    ...(comment ? { comment } : {}),
  };
};

export const createFilesCatcher = (options: {
  botToken?: string;
  /** The catcher's own origin, where upload URLs point. */
  origin(): string;
  completed(upload: CompletedUpload): void;
}) => {
  const pending = new Map<string, CaughtFile>();
  let seq = 0;
  const getUploadUrl = (req: IncomingMessage, form: Record<string, unknown>): Answer => {
    const refusal = authError(req, options.botToken);
    if (refusal) return fail(refusal);
    const length = Number(form.length);
    if (typeof form.filename !== 'string' || form.filename === '') return fail('invalid_arguments');
    if (!Number.isInteger(length) || length < 1) return fail('invalid_arguments');
    seq += 1;
    const id = `F0LOCAL${String(seq).padStart(5, '0')}`;
    pending.set(id, { id, filename: form.filename, length });
    return {
      status: 200,
      body: { ok: true, upload_url: `${options.origin()}/upload/v1/${id}`, file_id: id },
    };
  };
  const upload = (id: string, body: Buffer): Answer => {
    const file = pending.get(id);
    if (!file) return { status: 404, body: 'not found', text: true };
    if (body.length !== file.length) return { status: 400, body: 'length mismatch', text: true };
    file.content = body.toString('utf8');
    return { status: 200, body: `OK - ${body.length}`, text: true };
  };
  const complete = (req: IncomingMessage, payload: Record<string, unknown>): Answer => {
    const refusal = authError(req, options.botToken);
    if (refusal) return fail(refusal);
    const listed = filesOf(payload.files);
    if (!listed) return fail('invalid_arguments');
    const files = listed.map((f) => ({ ...f, file: pending.get(f.id) }));
    if (files.some((f) => f.file?.content === undefined)) return fail('file_not_found');
    const caught = files.map(({ file, title }) => ({ ...(file as CaughtFile), ...(title ? { title } : {}) }));
    for (const f of caught) pending.delete(f.id);
    options.completed({ ...sharing(payload), files: caught });
    return {
      status: 200,
      body: { ok: true, files: caught.map((f) => ({ id: f.id, title: f.title ?? f.filename })) },
    };
  };
  return {
    /** The catcher's routes for file uploads; undefined for any other path. */
    route(req: IncomingMessage, path: string, body: Buffer, payload: () => Record<string, unknown>) {
      if (path === '/api/files.getUploadURLExternal') return getUploadUrl(req, payload());
      if (path === '/api/files.completeUploadExternal') return complete(req, payload());
      if (path === '/api/files.upload') return fail('method_deprecated');
      const uploadId = /^\/upload\/v1\/(F0LOCAL\d+)$/.exec(path)?.[1];
      if (uploadId) return upload(uploadId, body);
      return undefined;
    },
    clear: () => pending.clear(),
  };
};
