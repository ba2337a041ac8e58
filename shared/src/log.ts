/** Structured fields a log line carries besides its message. */
export type LogFields = Record<string, unknown>;

/**
 * What domain code writes logs to: the slice of the Powertools `Logger` it needs, declared without
 * importing Powertools so that domain modules load no logger and tests can pass a plain object.
 * A Powertools `Logger` (or a child of one) satisfies it as it is. Each level is two overloads
 * because `Logger`'s variadic signature accepts no `undefined` in place of the fields.
 */
export interface Log {
  debug(message: string): void;
  debug(message: string, fields: LogFields): void;
  info(message: string): void;
  info(message: string, fields: LogFields): void;
  warn(message: string): void;
  warn(message: string, fields: LogFields): void;
  error(message: string): void;
  error(message: string, fields: LogFields): void;
}
