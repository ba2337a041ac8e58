/**
 * The SDK client options of ingress. Slack allows 3 s for an answer, so calls get short timeouts and
 * one retry instead of the defaults. `throwOnRequestTimeout`: without it the SDK only logs a warning
 * when `requestTimeout` passes and keeps waiting, so a hung call ran into the Lambda timeout and
 * Slack showed the user a timeout (issue 17's chaos run).
 */
export const INGRESS_CLIENT_OPTIONS = {
  maxAttempts: 2,
  requestHandler: { connectionTimeout: 1000, requestTimeout: 2000, throwOnRequestTimeout: true },
};
