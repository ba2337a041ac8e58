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

/** The UpdateItem input of an expiry update (everything but the table and key). */
export const expiryUpdateInput = (update: ExpiryUpdate) => {
  const { set, remove = [], step } = update;
  const guard = condition(update);
  const names: Record<string, string> = {
    ...fieldNames(update),
    ...(guard.usesStatus ? { '#status': 'status' } : {}),
  };
  const values: Record<string, unknown> = { ...guard.values };
  const assignments = defined(set).map(([field, value]) => {
    values[`:set_${field}`] = value;
    return `#${field} = :set_${field}`;
  });
  if (step !== undefined) {
    const history = appendHistory({ ...update, step });
    assignments.push(history.clause);
    Object.assign(names, history.names);
    Object.assign(values, history.values);
  }
  if (assignments.length === 0 && remove.length === 0)
    throw new Error('An expiry update must set, remove or note something');
  const removals = remove.map((field) => `#${field}`);
  return {
    UpdateExpression: [
      assignments.length > 0 ? `SET ${assignments.join(', ')}` : '',
      removals.length > 0 ? `REMOVE ${removals.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' '),
    ConditionExpression: guard.expression,
    ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
    // DynamoDB refuses an empty map of values.
    ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
  };
};
