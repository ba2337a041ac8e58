import { randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { type LocalServer, listen, parseJsonBody, readBody } from './httpServer';
import {
  commandJson,
  GetCommandInvocationRequest,
  invocationJson,
  ListCommandInvocationsRequest,
  listedInvocationJson,
  parseRequest,
  RunCommandError,
  SendCommandRequest,
} from './runCommandAnswers';
import { RunCommandLedger } from './runCommandLedger';
import type {
  CommandDocument,
  DocumentSource,
  Executor,
  InstanceCheck,
  InvocationRecord,
} from './runCommandTypes';

export interface RunCommandStandInOptions {
  /** Where every other SSM call goes unchanged: moto, or the fault layer in front of it. */
  upstream: string;
  documents: DocumentSource;
  /** Whether an instance is running and its "agent" online; SendCommand refuses others. */
  isOnline: InstanceCheck;
  /** Pending → InProgress after this long (default 50 ms). */
  deliveryDelayMs?: number;
  port?: number;
  log?(line: string): void;
}

export interface RunCommandStandIn extends LocalServer {
  /** The script an instance runs for a document (the simulator registers its own). */
  register(documentName: string, executor: Executor): () => void;
  invocations(filter?: { commandId?: string; instanceId?: string }): InvocationRecord[];
}

type Operation = (body: unknown) => Promise<unknown>;

/** A parameter the document declares, given or defaulted, and matching its allowedPattern. */
const resolveParameters = (document: CommandDocument, given: Record<string, string[]>) => {
  for (const name of Object.keys(given))
    if (!document.parameters[name])
      throw new RunCommandError('InvalidParameters', `Parameter ${name} is not defined in the document.`);
  const resolved: Record<string, string[]> = {};
  for (const [name, spec] of Object.entries(document.parameters)) {
    const values = given[name] ?? (spec.default !== undefined ? [spec.default] : undefined);
    if (!values) throw new RunCommandError('InvalidParameters', `Parameter ${name} is required.`);
    if (spec.allowedPattern && !values.every((v) => spec.allowedPattern?.test(v)))
      throw new RunCommandError('InvalidParameters', `Parameter ${name} does not match its allowedPattern.`);
    resolved[name] = values;
  }
  return resolved;
};

const documentFor = async (documents: DocumentSource, name: string, version: string | undefined) => {
  const document = await documents(name);
  if (!document) throw new RunCommandError('InvalidDocument', `Document ${name} does not exist.`);
  if (version && !['$LATEST', '$DEFAULT', document.version].includes(version))
    throw new RunCommandError('InvalidDocumentVersion', `Document ${name} has no version ${version}.`);
  return document;
};

const sendCommand =
  (options: RunCommandStandInOptions, ledger: RunCommandLedger): Operation =>
  async (body) => {
    const request = parseRequest(SendCommandRequest, body);
    if (!request.InstanceIds)
      throw new RunCommandError(
        'ValidationException',
        'The local stand-in addresses instances by InstanceIds only.',
      );
    const document = await documentFor(options.documents, request.DocumentName, request.DocumentVersion);
    const parameters = resolveParameters(document, request.Parameters ?? {});
    const offline: string[] = [];
    for (const id of request.InstanceIds) if (!(await options.isOnline(id))) offline.push(id);
    if (offline.length > 0)
      throw new RunCommandError(
        'InvalidInstanceId',
        `Instances [[${offline.join(', ')}]] not in a valid state.`,
      );
    const command = ledger.start({
      document,
      instanceIds: request.InstanceIds,
      parameters,
      comment: request.Comment ?? '',
      timeoutSeconds: request.TimeoutSeconds ?? 3600,
    });
    return { Command: commandJson(command, ledger.invocationsOf({ commandId: command.commandId })) };
  };

const getCommandInvocation =
  (ledger: RunCommandLedger): Operation =>
  async (body) => {
    const request = parseRequest(GetCommandInvocationRequest, body);
    const command = ledger.command(request.CommandId);
    const invocation = ledger.invocation(request.CommandId, request.InstanceId);
    if (!command || !invocation)
      throw new RunCommandError(
        'InvocationDoesNotExist',
        'The command ID and instance ID you specified did not match any invocations.',
      );
    if (request.PluginName && request.PluginName !== command.stepName)
      throw new RunCommandError('InvalidPluginName', `The document has no plugin ${request.PluginName}.`);
    return invocationJson(command, invocation);
  };

const listCommandInvocations =
  (ledger: RunCommandLedger): Operation =>
  async (body) => {
    const request = parseRequest(ListCommandInvocationsRequest, body);
    const filter = {
      ...(request.CommandId ? { commandId: request.CommandId } : {}),
      ...(request.InstanceId ? { instanceId: request.InstanceId } : {}),
    };
    const listed = ledger.invocationsOf(filter).flatMap((invocation) => {
      const command = ledger.command(invocation.commandId);
      return command ? [listedInvocationJson(command, invocation, request.Details === true)] : [];
    });
    // Newest first, as SSM lists them; no paging beyond MaxResults locally.
    return { CommandInvocations: listed.reverse().slice(0, request.MaxResults ?? 50) };
  };

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

/** Sends the request on to the upstream exactly as received and pipes the answer back. */
const forward = (upstream: URL, req: IncomingMessage, body: Buffer, res: ServerResponse): void => {
  const out = httpRequest(
    {
      hostname: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: req.headers,
    },
    (answer) => {
      const headers = Object.fromEntries(
        Object.entries(answer.headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())),
      );
      res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(res);
    },
  );
  out.on('error', (error) => {
    res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`run-command stand-in: upstream unreachable: ${error.message}`);
  });
  out.end(body);
};

const reply = (res: ServerResponse, status: number, body: unknown, errorType?: string): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(text);
};

const answer = async (operation: Operation, body: Buffer, res: ServerResponse): Promise<void> => {
  try {
    reply(res, 200, await operation(parseJsonBody(body)));
  } catch (error) {
    if (error instanceof RunCommandError)
      return reply(res, 400, { __type: error.code, message: error.message }, error.code);
    reply(
      res,
      500,
      { __type: 'InternalServerError', message: (error as Error).message },
      'InternalServerError',
    );
  }
};

/**
 * SSM Run Command for the local stack (ADR 0021): moto accepts SendCommand but runs nothing. This
 * server speaks SSM's JSON protocol for SendCommand, GetCommandInvocation and ListCommandInvocations
 * with SSM's shapes, statuses and errors, has each invocation run by the executor registered for
 * its document (the instance simulator), and forwards every other SSM call (parameters, documents)
 * to moto unchanged. The services reach it through `AWS_ENDPOINT_URL_SSM`.
 */
export const startRunCommandStandIn = async (
  options: RunCommandStandInOptions,
): Promise<RunCommandStandIn> => {
  const ledger = new RunCommandLedger({
    ...(options.deliveryDelayMs !== undefined ? { deliveryDelayMs: options.deliveryDelayMs } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  const operations: Record<string, Operation> = {
    'AmazonSSM.SendCommand': sendCommand(options, ledger),
    'AmazonSSM.GetCommandInvocation': getCommandInvocation(ledger),
    'AmazonSSM.ListCommandInvocations': listCommandInvocations(ledger),
  };
  const upstream = new URL(options.upstream);
  const server = await listen((req, res) => {
    void readBody(req).then((body) => {
      const operation = operations[String(req.headers['x-amz-target'] ?? '')];
      if (operation) return answer(operation, body, res);
      forward(upstream, req, body, res);
    });
  }, options.port);
  return {
    url: server.url,
    port: server.port,
    register: (name, executor) => ledger.register(name, executor),
    invocations: (filter = {}) => ledger.invocationsOf(filter),
    stop: async () => {
      await ledger.stop();
      await server.stop();
    },
  };
};
