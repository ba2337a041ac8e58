import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { resolveRole } from '../domain/authorization';
import { somethingWentWrong } from '../domain/blocks';
import { branchOptions, deployFormView, FORM } from '../domain/deployForm';
import { checkSubmission } from '../domain/deploySubmission';
import { handleCommand } from '../domain/handleCommand';
import type { IngressDependencies } from './createIngressHandler';
import type { FormPayload } from './formPayloads';
import { acknowledged } from './slackHttp';

const json = (body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify(body),
});

/** Errors under the branch field: what Slack shows in the modal, which stays open. */
const formErrors = (errors: Record<string, string>) => json({ response_action: 'errors', errors });

const openForm = async (payload: Extract<FormPayload, { kind: 'open' }>, deps: IngressDependencies) => {
  const { views } = deps.ports;
  if (!views) {
    deps.logger.warn('Deploy form asked for, but views.open is not wired');
    return acknowledged();
  }
  const view = deployFormView(
    deps.settings,
    { now: deps.ports.now(), nightly: deps.settings.nightly },
    payload.channelId,
  );
  await views.open(payload.triggerId, view);
  deps.logger.info('deploy form opened', { userId: payload.actor.userId, source: payload.source });
  return acknowledged();
};

const suggest = async (payload: Extract<FormPayload, { kind: 'suggest' }>, deps: IngressDependencies) => {
  if (payload.actionId !== FORM.branch.action || !deps.ports.openBranches) return json({ options: [] });
  const role = await resolveRole(payload.actor.userId, deps.settings.policy, deps.ports.groups);
  if (role === 'none') return json({ options: [] });
  return json({ options: branchOptions(await deps.ports.openBranches(), payload.value) });
};

const submit = async (
  payload: Extract<FormPayload, { kind: 'submit' }>,
  deps: IngressDependencies,
  ref: string,
) => {
  if (payload.callbackId !== FORM.callbackId) return acknowledged();
  const checked = checkSubmission(payload.values, payload.responseUrls, deps.settings);
  if (!checked.ok) return formErrors(checked.errors);
  const conversation = {
    channelId: checked.channelId,
    ...(checked.responseUrl ? { responseUrl: checked.responseUrl } : {}),
    issuedAt: deps.ports.now().toISOString(),
  };
  try {
    const outcome = await handleCommand(
      checked.command,
      { actor: payload.actor, conversation },
      deps.settings,
      deps.ports,
    );
    if (outcome.kind !== 'published') return formErrors({ [FORM.branch.block]: outcome.message.text });
    deps.logger.info('request handled', {
      command: 'deploy',
      outcome: 'published',
      source: 'form',
      correlationId: outcome.correlationId,
    });
    if (checked.responseUrl) {
      await deps.responses.post(checked.responseUrl, { response_type: 'ephemeral', ...outcome.message });
    }
    return acknowledged();
  } catch (error) {
    deps.logger.error('deploy form submission failed', { error, ref });
    return formErrors({ [FORM.branch.block]: somethingWentWrong(ref).text });
  }
};

/**
 * The Deploy form's interactions (ADR 0026). Unlike a button press, Slack reads these answers: an
 * empty 200 closes the modal, `{options}` fills the type-ahead, `response_action: errors` keeps the
 * modal open with the problems under their fields.
 */
export const handleFormPayload = (
  payload: Exclude<FormPayload, { kind: 'other' }>,
  deps: IngressDependencies,
  ref: string,
): Promise<APIGatewayProxyStructuredResultV2> => {
  switch (payload.kind) {
    case 'open':
      return openForm(payload, deps);
    case 'suggest':
      return suggest(payload, deps);
    case 'submit':
      return submit(payload, deps, ref);
  }
};
