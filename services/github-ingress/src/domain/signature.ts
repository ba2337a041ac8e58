import { verify } from '@octokit/webhooks-methods';

/**
 * Whether `signature` (`X-Hub-Signature-256`, `sha256=<hex>`) is GitHub's HMAC-SHA256 of the exact
 * body bytes under the webhook secret. `verify` compares in constant time; a missing or malformed
 * header is simply not valid, never an exception that could turn into a 5xx.
 */
export const isValidSignature = async (
  secret: string,
  rawBody: string,
  signature: string | undefined,
): Promise<boolean> => {
  if (!signature || !signature.startsWith('sha256=') || rawBody === '') return false;
  try {
    return await verify(secret, rawBody, signature);
  } catch {
    return false;
  }
};
