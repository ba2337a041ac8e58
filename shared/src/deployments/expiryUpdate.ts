import { appendHistory, type HistoryStep } from './history';
import { type DeploymentStatus, LIVE_STATUSES } from './states';
import type { DeploymentRecord } from './table';

/** The fields that say when a deployment ends; `expiresAt` is also the status GSI's sort key. */
export type ExpiryFields = Pick<DeploymentRecord, 'expiresAt' | 'keepOvernight' | 'expiryWarnedFor'>;

/**
 * A conditional change of the expiry fields, which leaves the status alone. The conditions are
 * what makes it safe beside sweeps and other requests: it applies only while the record is in one
 * of `from` and its fields still hold the values the caller read.
 */
export interface ExpiryUpdate extends Partial<HistoryStep> {
  set?: Partial<ExpiryFields>;
  /** Fields to delete; only `expiryWarnedFor` may be absent from a record. */
  remove?: readonly 'expiryWarnedFor'[];
  /** The statuses the record must be in: every live one unless told; `'any'` for no status guard. */
  from?: readonly DeploymentStatus[] | 'any';
  /** Values the fields must have now (usually the ones the caller read). */
  expect?: Partial<ExpiryFields>;
  /** Values the fields must not have now; an absent field passes. */
  unless?: Partial<ExpiryFields>;
}

const defined = (fields: Partial<ExpiryFields> = {}) =>
  Object.entries(fields).filter(([, value]) => value !== undefined);

/** Placeholders `#<field>` for every field an update names. */
const fieldNames = ({ set, remove = [], expect, unless }: ExpiryUpdate): Record<string, string> => {
  const fields = [...defined(set), ...defined(expect), ...defined(unless)].map(([field]) => field);
  return Object.fromEntries([...fields, ...remove].map((field) => [`#${field}`, field]));
};

/** `attribute_exists(deployId) AND #status IN (...) AND #f = :expect_f AND (... OR #f <> :unless_f)`. */
const condition = ({ from = LIVE_STATUSES, expect, unless }: ExpiryUpdate) => {
  const values: Record<string, unknown> = {};
  const clauses = ['attribute_exists(deployId)'];
  if (from !== 'any') {
    from.forEach((status, i) => {
      values[`:from${i}`] = status;
    });
    clauses.push(`#status IN (${from.map((_, i) => `:from${i}`).join(', ')})`);
  }
  for (const [field, value] of defined(expect)) {
    values[`:expect_${field}`] = value;
    clauses.push(`#${field} = :expect_${field}`);
  }
  for (const [field, value] of defined(unless)) {
    values[`:unless_${field}`] = value;
    clauses.push(`(attribute_not_exists(#${field}) OR #${field} <> :unless_${field})`);
  }
  return { expression: clauses.join(' AND '), values, usesStatus: from !== 'any' };
};

/** `SET #f = :set_f, ..., <history append>`, or nothing when nothing is set or noted. */
const assignments = (update: ExpiryUpdate) => {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const clauses = defined(update.set).map(([field, value]) => {
    values[`:set_${field}`] = value;
    return `#${field} = :set_${field}`;
  });
  if (update.step !== undefined) {
    const history = appendHistory({ ...update, step: update.step });
    clauses.push(history.clause);
    Object.assign(names, history.names);
    Object.assign(values, history.values);
  }
  return { expression: clauses.length > 0 ? `SET ${clauses.join(', ')}` : '', names, values };
};

const nonEmpty = <K extends string>(key: K, map: Record<string, unknown>) =>
  // DynamoDB refuses an empty map of names or values.
  Object.keys(map).length > 0 ? ({ [key]: map } as Record<K, typeof map>) : {};

/** The UpdateItem input of an expiry update (everything but the table and key). */
export const expiryUpdateInput = (update: ExpiryUpdate) => {
  const { remove = [] } = update;
  const guard = condition(update);
  const set = assignments(update);
  if (!set.expression && remove.length === 0)
    throw new Error('An expiry update must set, remove or note something');
  const names = {
    ...fieldNames(update),
    ...set.names,
    ...(guard.usesStatus ? { '#status': 'status' } : {}),
  };
  const removal = remove.length > 0 ? `REMOVE ${remove.map((field) => `#${field}`).join(', ')}` : '';
  return {
    UpdateExpression: [set.expression, removal].filter(Boolean).join(' '),
    ConditionExpression: guard.expression,
    ...nonEmpty('ExpressionAttributeNames', names),
    ...nonEmpty('ExpressionAttributeValues', { ...guard.values, ...set.values }),
  };
};
