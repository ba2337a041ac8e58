import type { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from '../domain/ports';

/** The domain's Log over a Powertools logger (whose variadic signature a plain interface cannot name). */
export const asLog = (logger: Logger): Log => ({
  info: (message, extra) => (extra ? logger.info(message, extra) : logger.info(message)),
  warn: (message, extra) => (extra ? logger.warn(message, extra) : logger.warn(message)),
  error: (message, extra) => (extra ? logger.error(message, extra) : logger.error(message)),
});
