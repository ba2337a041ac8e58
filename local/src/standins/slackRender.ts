import { isRecord } from '../templates/cfnTypes';

type Block = Record<string, unknown>;

const textOf = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value;
  if (isRecord(value) && typeof value.text === 'string') return value.text;
  return undefined;
};

const renderElements = (elements: unknown): string[] => {
  if (!Array.isArray(elements)) return [];
  return elements.filter(isRecord).flatMap((element) => {
    if (element.type === 'button') return [`[${textOf(element.text) ?? '?'}]`];
    if (element.type === 'static_select' || element.type === 'overflow')
      return [`[${textOf(element.placeholder) ?? 'select'} ▾]`];
    const text = textOf(element);
    return text === undefined ? [] : [text];
  });
};

const renderBlock = (block: Block): string[] => {
  switch (block.type) {
    case 'header':
    case 'section': {
      const fields = Array.isArray(block.fields)
        ? block.fields.map(textOf).filter((t): t is string => t !== undefined)
        : [];
      const accessory = isRecord(block.accessory) ? renderElements([block.accessory]) : [];
      const text = textOf(block.text);
      return [...(text === undefined ? [] : text.split('\n')), ...fields, ...accessory];
    }
    case 'context':
      return [renderElements(block.elements).join('  ')];
    case 'actions':
      return [renderElements(block.elements).join(' ')];
    case 'divider':
      return ['────────'];
    default:
      return [];
  }
};

/**
 * A Slack message as lines a person can read in a terminal: block text as lines, context on one line,
 * buttons as `[Extend] [Terminate]`. Falls back to `text` when there are no blocks.
 */
export const renderSlackMessage = (payload: unknown): string[] => {
  if (!isRecord(payload)) return [String(payload ?? '')];
  const blocks = Array.isArray(payload.blocks) ? payload.blocks.filter(isRecord) : [];
  const attachments = Array.isArray(payload.attachments) ? payload.attachments.filter(isRecord) : [];
  const lines = [
    ...blocks.flatMap(renderBlock),
    ...attachments.flatMap((a) => [
      ...(Array.isArray(a.blocks) ? a.blocks.filter(isRecord).flatMap(renderBlock) : []),
      ...(typeof a.text === 'string' ? a.text.split('\n') : []),
    ]),
  ].filter((line) => line.trim() !== '');
  if (lines.length > 0) return lines;
  return typeof payload.text === 'string' ? payload.text.split('\n') : [];
};

/** Deploy ids are ULIDs (Crockford base32, 26 characters). */
const ULID = /\b[0-9A-HJKMNP-TV-Z]{26}\b/;

export const findDeployId = (payload: unknown): string | undefined =>
  ULID.exec(JSON.stringify(payload ?? ''))?.[0];
