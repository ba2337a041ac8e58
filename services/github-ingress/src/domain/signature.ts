/**
 * `@octokit/webhooks-methods` ships ESM only, with no `require` export. A dynamic import works from
 * the CommonJS Lambda bundle (esbuild inlines it), from the local runner (tsx) and, through jest's
 * module mapping, from the tests. Loaded once, on first use.
 */
let methods: Promise<typeof import('@octokit/webhooks-methods')> | undefined;
const webhooksMethods = () => {
  methods ??= import('@octokit/webhooks-methods');
  return methods;
};

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
  const { verify } = await webhooksMethods();
  try {
    return await verify(secret, rawBody, signature);
  } catch {
    return false;
  }
};
