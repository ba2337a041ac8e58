import type { Button } from '@branch-envs/shared/slack';
import { SLACK_ACTIONS } from '@branch-envs/shared/slack';
import type { Block } from '../blocks';
import { code } from '../text';

/**
 * The Block Kit pieces of the Home tab (ADR 0023). A Home view may hold 100 blocks (messages: 50),
 * so the view builder budgets blocks per part; every text goes through the same truncating builders
 * as ingress's replies.
 */

export const MAX_HOME_BLOCKS = 100;

/** The action id of [Deploy a branch]; the Deploy form that answers it is opened by its own handler. */
export const OPEN_DEPLOY_FORM = 'open_deploy_form';

export type HomeBlock =
  | Block
  | { type: 'section'; text: { type: 'mrkdwn'; text: string }; accessory: Button };

export interface HomeView {
  type: 'home';
  callback_id: string;
  /** The app's DM with the viewer: where ingress sends what a press on this view causes. */
  private_metadata: string;
  blocks: HomeBlock[];
}

const button = (label: string, actionId: string, value: string, style?: 'primary' | 'danger'): Button => ({
  type: 'button',
  text: { type: 'plain_text', text: label },
  action_id: actionId,
  value,
  ...(style ? { style } : {}),
});

/** [Terminate] as on the ready message: same action id, the deployId as value, and a confirmation. */
export const terminateButton = (deployId: string): Button => ({
  ...button('Terminate', SLACK_ACTIONS.terminate, deployId, 'danger'),
  confirm: {
    title: { type: 'plain_text', text: 'Terminate this environment?' },
    text: { type: 'mrkdwn', text: `Deploy ${code(deployId)} will be shut down now.` },
    confirm: { type: 'plain_text', text: 'Terminate' },
    deny: { type: 'plain_text', text: 'Keep it' },
  },
});

/**
 * [Extend] [Keep overnight] [Terminate], and [Logs] once it has an instance (the app's journal, ADR
 * 0030): the ready message's buttons, so the same handler serves them.
 */
export const lifetimeActions = (deployId: string, options: { logs?: boolean } = {}): Block => ({
  type: 'actions',
  elements: [
    button('Extend', SLACK_ACTIONS.extend, deployId, 'primary'),
    button('Keep overnight', SLACK_ACTIONS.keepOvernight, deployId),
    ...(options.logs ? [button('Logs', SLACK_ACTIONS.logsApp, deployId)] : []),
    terminateButton(deployId),
  ],
});

export const deployBranchActions = (): Block => ({
  type: 'actions',
  elements: [button('Deploy a branch', OPEN_DEPLOY_FORM, 'home', 'primary')],
});

export const withAccessory = (block: Block, accessory: Button): HomeBlock =>
  block.type === 'section' && block.fields === undefined
    ? { type: 'section', text: { type: 'mrkdwn', text: block.text.text }, accessory }
    : block;
