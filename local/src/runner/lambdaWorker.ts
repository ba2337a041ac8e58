/**
 * One function's process, forked by the runner with tsx loaded, so the handler module that gets
 * deployed is imported as-is. Its environment is exactly what the runner built for this function.
 * argv: <handler file> <export name>
 */
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { type InvokeRequest, toLambdaError, type WorkerMessage } from './workerProtocol';

type Handler = (
  event: unknown,
  context: Context,
  callback?: (error: unknown, value?: unknown) => void,
) => unknown;

const send = (message: WorkerMessage): void => {
  process.send?.(message);
};

const contextFor = (request: InvokeRequest): Context => {
  const name = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'local';
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION ?? '$LATEST',
    invokedFunctionArn: request.invokedFunctionArn,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '128',
    awsRequestId: request.awsRequestId,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME ?? `/aws/lambda/${name}`,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME ?? 'local',
    getRemainingTimeInMillis: () => Math.max(0, request.deadlineMs - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

/** Callback-style handlers (three parameters) are still supported by the Node.js runtime. */
const call = (handler: Handler, event: unknown, context: Context): Promise<unknown> =>
  handler.length >= 3
    ? new Promise((resolve, reject) => {
        handler(event, context, (error, value) => (error ? reject(error) : resolve(value)));
      })
    : Promise.resolve(handler(event, context));

const loadHandler = async (file: string, exportName: string): Promise<Handler> => {
  const loaded: Record<string, unknown> = await import(pathToFileURL(file).href);
  const fromDefault = loaded.default as Record<string, unknown> | undefined;
  const handler = loaded[exportName] ?? fromDefault?.[exportName];
  if (typeof handler !== 'function') {
    throw Object.assign(new Error(`${file} does not export a function named ${exportName}`), {
      name: 'Runtime.HandlerNotFound',
    });
  }
  return handler as Handler;
};

const main = async (): Promise<void> => {
  const [file, exportName] = process.argv.slice(2);
  // The runner owns shutdown: Ctrl-C reaches the whole process group, and the runner stops us itself.
  process.on('SIGINT', () => undefined);
  process.on('disconnect', () => process.exit(0));
  const started = Date.now();
  let handler: Handler;
  try {
    handler = await loadHandler(String(file), String(exportName));
  } catch (error) {
    const lambdaError = toLambdaError(error);
    if (lambdaError.errorType !== 'Runtime.HandlerNotFound') {
      lambdaError.errorMessage = `${lambdaError.errorType}: ${lambdaError.errorMessage}`;
      lambdaError.errorType = 'Runtime.ImportModuleError';
    }
    send({ type: 'initError', error: lambdaError });
    return;
  }
  process.on('message', (request: InvokeRequest) => {
    if (request?.type !== 'invoke') return;
    call(handler, request.event, contextFor(request)).then(
      (value) => send({ type: 'result', id: request.id, ok: true, value: value ?? null }),
      (error: unknown) => send({ type: 'result', id: request.id, ok: false, error: toLambdaError(error) }),
    );
  });
  send({ type: 'ready', initMs: Date.now() - started });
};

void main();
