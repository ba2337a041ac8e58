import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRecord } from '../templates/cfnTypes';

/** Where a printed message with buttons lives, as Slack describes it in a block_actions `container`. */
export interface ButtonSource {
  channelId: string;
  /** The message's ts: chat.postMessage's answer, or one the CLI made up for an ephemeral reply. */
  messageTs: string;
  ephemeral: boolean;
  /** The message as it was sent (non-ephemeral ones are echoed back in the payload's `message`). */
  payload: Record<string, unknown>;
  /** Set when the button is on a Home tab view rather than a message (see homeFlow.ts). */
  view?: HomeViewSource;
}

/** A published Home view, as Slack echoes it in a press's `view`. */
export interface HomeViewSource {
  id: string;
  userId: string;
  privateMetadata: string;
  callbackId: string;
  hash: string;
}

/** One numbered button of a message the CLI printed: what `branch-envs press <n>` sends. */
export interface RememberedButton {
  n: number;
  label: string;
  actionId: string;
  value: string;
  blockId: string;
  style?: string;
  /** The confirm dialog's title and text, which Slack shows before it sends the press. */
  confirm?: { title: string; text: string };
  source: ButtonSource;
}

/** The buttons of the last `slash` or `press` that printed any, for the stack that sent them. */
export interface ButtonBoard {
  /** `startedAt` of the stack whose messages these are; a restarted stack knows none of them. */
  stackStartedAt: string;
  buttons: RememberedButton[];
}

export interface ButtonStore {
  load(): ButtonBoard | undefined;
  save(board: ButtonBoard): void;
}

export const BUTTONS_FILE = 'buttons.json';

/** Kept in the state dir next to endpoints.json, so `press` works from a new process. */
export const fileButtonStore = (stateDir: string): ButtonStore => {
  const file = join(stateDir, BUTTONS_FILE);
  return {
    load: () => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ButtonBoard) : undefined),
    save: (board) => {
      if (board.buttons.length === 0) return rmSync(file, { force: true });
      mkdirSync(stateDir, { recursive: true });
      writeFileSync(file, `${JSON.stringify(board, null, 2)}\n`);
    },
  };
};

export const memoryButtonStore = (): ButtonStore => {
  let board: ButtonBoard | undefined;
  return {
    load: () => board,
    save: (next) => {
      board = next;
    },
  };
};

const textOf = (value: unknown): string =>
  isRecord(value) && typeof value.text === 'string' ? value.text : '';

/** The block ids of the buttons in a message (Slack makes one up for a block that has none). */
const blockIdsOf = (payload: Record<string, unknown>): Map<unknown, string> => {
  const ids = new Map<unknown, string>();
  const blocks = Array.isArray(payload.blocks) ? payload.blocks.filter(isRecord) : [];
  for (const [index, block] of blocks.entries()) {
    const blockId = typeof block.block_id === 'string' ? block.block_id : `b${index}`;
    const elements = Array.isArray(block.elements) ? block.elements : [];
    for (const element of [...elements, block.accessory]) if (isRecord(element)) ids.set(element, blockId);
  }
  return ids;
};

/** A button element as remembered, once it has its number and its message. */
const rememberedOf = (
  element: Record<string, unknown> & { action_id: string },
  n: number,
  label: string,
  blockId: string,
  source: ButtonSource,
): RememberedButton => {
  const confirm = isRecord(element.confirm)
    ? { title: textOf(element.confirm.title), text: textOf(element.confirm.text) }
    : undefined;
  return {
    n,
    label: textOf(element.text) || label,
    actionId: element.action_id,
    value: typeof element.value === 'string' ? element.value : '',
    blockId,
    ...(typeof element.style === 'string' ? { style: element.style } : {}),
    ...(confirm ? { confirm } : {}),
    source,
  };
};

const hasActionId = (
  element: Record<string, unknown>,
): element is Record<string, unknown> & { action_id: string } => typeof element.action_id === 'string';

/**
 * Numbers buttons as messages are printed: each gets `[n: label]` and is remembered with the message
 * it came from. One numbering per `slash` or `press` run, starting at 1.
 */
export const createButtonNumbering = () => {
  const buttons: RememberedButton[] = [];
  return {
    buttons,
    /** The render option for one message: labels its buttons and remembers them. */
    forMessage: (source: ButtonSource) => {
      const blockIds = blockIdsOf(source.payload);
      return (element: Record<string, unknown>, label: string): string => {
        if (!hasActionId(element)) return `[${label}]`;
        const n = buttons.length + 1;
        buttons.push(rememberedOf(element, n, label, blockIds.get(element) ?? 'b0', source));
        return `[${n}: ${label}]`;
      };
    },
  };
};

export type ButtonNumbering = ReturnType<typeof createButtonNumbering>;
