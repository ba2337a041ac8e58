import { z } from 'zod';
import { commaSeparated, loadConfig } from '../../src/config';
import { ConfigError } from '../../src/errors';

describe('loadConfig', () => {
  const schema = z.object({
    EVENT_BUS_NAME: z.string(),
    MAX_TTL_SECONDS: z.coerce.number().int().positive(),
    ADMIN_USERS: z.string().optional(),
  });

  it('parses and coerces the variables its schema names', () => {
    const config = loadConfig(schema, { EVENT_BUS_NAME: 'bus', MAX_TTL_SECONDS: '7200', OTHER: 'x' });

    expect(config).toEqual({ EVENT_BUS_NAME: 'bus', MAX_TTL_SECONDS: 7200, ADMIN_USERS: undefined });
  });

  it('reports every missing or invalid variable at once, by name', () => {
    const act = () => loadConfig(schema, { MAX_TTL_SECONDS: 'soon' });

    expect(act).toThrow(ConfigError);
    expect(act).toThrow(/Missing required environment variable EVENT_BUS_NAME/);
    expect(act).toThrow(/Invalid environment variable MAX_TTL_SECONDS/);
  });
});

describe('commaSeparated', () => {
  const ids = commaSeparated(z.string().regex(/^U[A-Z0-9]+$/));

  it('splits, trims and drops empty entries; absent means empty', () => {
    expect(ids.parse(' U1, U2 ,,U3 ')).toEqual(['U1', 'U2', 'U3']);
    expect(ids.parse(undefined)).toEqual([]);
  });

  it('rejects a list with an entry its item schema refuses', () => {
    expect(ids.safeParse('U1,not-an-id').success).toBe(false);
  });
});
