import { resolve } from 'node:path';
import { parseFaultSpec } from '../../local/src/faults/faultSpec';

export interface ChaosArgs {
  deploys: number;
  faults: string;
  crashes: boolean;
  crashBudget: number;
  out: string;
  senders: number;
  gapMs: number;
  settleSeconds: number;
  drainTimeoutSeconds: number;
}

const USAGE =
  'usage: npm run chaos -- [--deploys N] [--faults 0.3|aws=0.2,github=0.5,…] [--crashes] [--crash-budget K] [--out file]';

const whole = (flag: string, text: string | undefined, min: number): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`${flag} must be a whole number of at least ${min}, not ${text}\n${USAGE}`);
  return n;
};

type Option = (args: ChaosArgs, value?: string) => void;

const OPTIONS: Record<string, Option> = {
  '--deploys': (a, v) => {
    a.deploys = whole('--deploys', v, 1);
  },
  '--faults': (a, v) => {
    a.faults = v ?? '';
  },
  '--crashes': (a) => {
    a.crashes = true;
  },
  '--crash-budget': (a, v) => {
    a.crashBudget = whole('--crash-budget', v, 0);
  },
  '--out': (a, v) => {
    a.out = resolve(v ?? '');
  },
  '--settle-seconds': (a, v) => {
    a.settleSeconds = whole('--settle-seconds', v, 0);
  },
  '--drain-timeout': (a, v) => {
    a.drainTimeoutSeconds = whole('--drain-timeout', v, 1);
  },
};

export const parseChaosArgs = (argv: string[], defaultOut: string): ChaosArgs => {
  const args: ChaosArgs = {
    deploys: 30,
    faults: '0.3',
    crashes: false,
    crashBudget: -1,
    out: defaultOut,
    senders: 5,
    gapMs: 300,
    settleSeconds: 180,
    drainTimeoutSeconds: 300,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] ?? '';
    const option = OPTIONS[flag];
    if (!option) throw new Error(`unknown option ${flag}\n${USAGE}`);
    option(args, option.length > 1 ? argv[++i] : undefined);
  }
  parseFaultSpec(args.faults);
  if (args.crashBudget < 0) args.crashBudget = Math.max(4, Math.ceil(args.deploys / 3));
  return args;
};
