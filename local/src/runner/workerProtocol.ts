/** Messages between the runner and a function's worker process (Node IPC, JSON). */
export interface InvokeRequest {
  type: 'invoke';
  id: string;
  event: unknown;
  awsRequestId: string;
  deadlineMs: number;
  invokedFunctionArn: string;
}

export interface LambdaError {
  errorType: string;
  errorMessage: string;
  stackTrace?: string[];
}

export type WorkerMessage =
  | { type: 'ready'; initMs: number }
  | { type: 'initError'; error: LambdaError }
  | { type: 'result'; id: string; ok: true; value: unknown }
  | { type: 'result'; id: string; ok: false; error: LambdaError };

export const toLambdaError = (error: unknown, fallbackType = 'Error'): LambdaError => {
  if (error instanceof Error) {
    return {
      errorType: error.name || fallbackType,
      errorMessage: error.message,
      stackTrace: error.stack?.split('\n').slice(1),
    };
  }
  return { errorType: fallbackType, errorMessage: String(error) };
};
