import type { CallInfo } from './faultAnswers';

const ULID = '[0-9A-HJKMNP-TV-Z]{26}';
const QUOTE = '\\\\?"';

/**
 * Where a request names its deployment, in the protocols the services speak: a `deployId` field in
 * JSON (DynamoDB's `{"S": …}` too, and an event's `Detail`, escaped, inside PutEvents), an event's
 * `correlationId` (the deployId, or a requestId for a multi-target command), EC2's ClientToken and
 * tag values in a query body, and the phone-home path.
 */
const PATTERNS = [
  new RegExp(`${QUOTE}deployId${QUOTE}\\s*:\\s*(?:\\{\\s*${QUOTE}S${QUOTE}\\s*:\\s*)?${QUOTE}(${ULID})`),
  new RegExp(`(?:^|&)ClientToken=(${ULID})`),
  new RegExp(`Value(?:\\.\\d+)*=(${ULID})(?:&|$)`),
  new RegExp(`/phone-home/(${ULID})`),
  new RegExp(`${QUOTE}correlationId${QUOTE}\\s*:\\s*${QUOTE}(${ULID})`),
];

const ANY_ULID = new RegExp(`\\b${ULID}\\b`);

/** An instance's path on the simulator: `/<instanceId>/health`. */
const INSTANCE_PATH = /^\/+(i-[0-9a-f]+)(?:\/|$)/;

/**
 * The deployment a call is about, when the request says so (ADR 0017: every fault in the chaos log
 * can be tied to a deployment). `instanceOwner` maps an instance id to its deployId, for health checks;
 * `anyId` takes the first ULID anywhere (Slack messages, which carry no field named deployId).
 */
export const deployIdOf = (
  call: Pick<CallInfo, 'path' | 'body'>,
  instanceOwner: (instanceId: string) => string | undefined = () => undefined,
  anyId = false,
): string | undefined => {
  const text = `${call.path}\n${call.body}`;
  for (const pattern of PATTERNS) {
    const found = pattern.exec(text)?.[1];
    if (found) return found;
  }
  const instanceId = INSTANCE_PATH.exec(call.path)?.[1];
  if (instanceId) return instanceOwner(instanceId);
  // A Slack message names its deployment in its text or buttons, as the Slack catcher reads it.
  return anyId ? ANY_ULID.exec(text)?.[0] : undefined;
};
