import { isRecord } from '../templates/cfnTypes';
import { type MrkdwnStyle, renderMrkdwn, renderPlainText } from './slackMrkdwn';

type Block = Record<string, unknown>;

/** How text objects and buttons become terminal text; the defaults keep Slack's raw markup. */
export interface RenderOptions {
  /** A `mrkdwn` text object (and `text` fallbacks, which Slack formats as mrkdwn too). */
  mrkdwn?(text: string): string;
  plainText?(text: string, emoji: boolean): string;
  /** The label shown for a button, e.g. `[Extend]`; the element is the button as sent. */
  button?(element: Record<string, unknown>, label: string): string;
}

interface Renderer {
  mrkdwn(text: string): string;
  plainText(text: string, emoji: boolean): string;
  button(element: Record<string, unknown>, label: string): string;
}

const rendererOf = (options: RenderOptions): Renderer => ({
  mrkdwn: options.mrkdwn ?? ((text) => text),
  plainText: options.plainText ?? ((text) => text),
  button: options.button ?? ((_element, label) => `[${label}]`),
});

const textOf = (value: unknown, r: Renderer): string | undefined => {
  if (typeof value === 'string') return r.mrkdwn(value);
  if (!isRecord(value) || typeof value.text !== 'string') return undefined;
  return value.type === 'plain_text' ? r.plainText(value.text, value.emoji !== false) : r.mrkdwn(value.text);
};

const renderElements = (elements: unknown, r: Renderer): string[] => {
  if (!Array.isArray(elements)) return [];
  return elements.filter(isRecord).flatMap((element) => {
    if (element.type === 'button') return [r.button(element, textOf(element.text, r) ?? '?')];
    if (element.type === 'static_select' || element.type === 'overflow')
      return [`[${textOf(element.placeholder, r) ?? 'select'} ▾]`];
    const text = textOf(element, r);
    return text === undefined ? [] : [text];
  });
};

const renderBlock = (block: Block, r: Renderer): string[] => {
  switch (block.type) {
    case 'header':
    case 'section': {
      const fields = Array.isArray(block.fields)
        ? block.fields.map((f) => textOf(f, r)).filter((t): t is string => t !== undefined)
        : [];
      const accessory = isRecord(block.accessory) ? renderElements([block.accessory], r) : [];
      const text = textOf(block.text, r);
      return [...(text === undefined ? [] : text.split('\n')), ...fields, ...accessory];
    }
    case 'context':
      return [renderElements(block.elements, r).join('  ')];
    case 'actions':
      return [renderElements(block.elements, r).join(' ')];
    case 'divider':
      return ['────────'];
    default:
      return [];
  }
};

const blocksOf = (value: unknown): Block[] => (Array.isArray(value) ? value.filter(isRecord) : []);

/**
 * A Slack message as lines a person can read in a terminal: block text as lines, context on one line,
 * buttons as `[Extend] [Terminate]`. Falls back to `text` when there are no blocks. Without options
 * the lines keep Slack's markup (what the catcher records); `displayOptions` renders it as Slack shows it.
 */
export const renderSlackMessage = (payload: unknown, options: RenderOptions = {}): string[] => {
  if (!isRecord(payload)) return [String(payload ?? '')];
  const r = rendererOf(options);
  const lines = [
    ...blocksOf(payload.blocks).flatMap((b) => renderBlock(b, r)),
    ...blocksOf(payload.attachments).flatMap((a) => [
      ...blocksOf(a.blocks).flatMap((b) => renderBlock(b, r)),
      ...(typeof a.text === 'string' ? r.mrkdwn(a.text).split('\n') : []),
    ]),
  ].filter((line) => line.trim() !== '');
  if (lines.length > 0) return lines;
  return typeof payload.text === 'string' ? r.mrkdwn(payload.text).split('\n') : [];
};

/** Render options that show mrkdwn as the Slack client does (see slackMrkdwn.ts). */
export const displayOptions = (style: MrkdwnStyle, button?: RenderOptions['button']): RenderOptions => ({
  mrkdwn: (text) => renderMrkdwn(text, style),
  plainText: (text, emoji) => renderPlainText(text, emoji),
  ...(button ? { button } : {}),
});

/** Deploy ids are ULIDs (Crockford base32, 26 characters). */
const ULID = /\b[0-9A-HJKMNP-TV-Z]{26}\b/;

export const findDeployId = (payload: unknown): string | undefined =>
  ULID.exec(JSON.stringify(payload ?? ''))?.[0];
