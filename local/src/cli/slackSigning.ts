import { createHmac } from 'node:crypto';

/**
 * Slack's v0 request signature: `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` under the
 * app's signing secret. https://api.slack.com/authentication/verifying-requests-from-slack
 */
export const slackSignature = (signingSecret: string, timestamp: number | string, body: string): string =>
  `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;

/** The two headers Slack adds to every request it sends an app. */
export const signedHeaders = (
  signingSecret: string,
  body: string,
  now = Date.now(),
): Record<string, string> => {
  const timestamp = Math.floor(now / 1000);
  return {
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': slackSignature(signingSecret, timestamp, body),
  };
};

/** Posts a form body to the app as Slack does: form-encoded, Slack's user agent, signed. */
export const postSignedForm = (url: string, signingSecret: string, body: string, now = Date.now()) =>
  fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      ...signedHeaders(signingSecret, body, now),
    },
    body,
  });
