import type { NightlySummary } from '../../../services/reaper/src/domain/nightly';
import type { ReconcileSummary } from '../../../services/reaper/src/domain/reconcile';
import type { SweepSummary } from '../../../services/reaper/src/domain/sweep';
import type { TerminationReport } from '../../../services/reaper/src/domain/terminations';
import { describeRun } from '../../src/cli/runSummary';

/** A TerminationReport as the reaper's handlers return it: without `errors` (handlers/flushing.ts). */
const report = (overrides: Partial<TerminationReport> = {}): Omit<TerminationReport, 'errors'> => ({
  claimed: 0,
  closed: 0,
  instancesTerminated: 0,
  handedToProvisioner: 0,
  skipped: 0,
  failed: 0,
  ...overrides,
});

describe('describeRun', () => {
  it('local fire printed only "ok in 22 ms": a sweep says what it warned and terminated', () => {
    // Prepare
    const sweep: Omit<SweepSummary, 'expired' | 'resumed'> & Record<string, unknown> = {
      expired: report({ claimed: 2, closed: 2, instancesTerminated: 2 }),
      resumed: report({ closed: 1, handedToProvisioner: 1 }),
      warned: 1,
      staleRejected: 0,
      itemsRead: 4,
    };

    // Act / Assess
    expect(describeRun(sweep)).toBe('warned 1, terminated 3, 1 not launched yet left to the provisioner');
    expect(describeRun({ ...sweep, staleRejected: 2 })).toBe(
      'warned 1, terminated 3, 1 not launched yet left to the provisioner, ended 2 request(s) that never reached the resolver',
    );
  });

  it('a nightly run says what it terminated and kept, or that it was too late to run', () => {
    // Prepare
    const ran = { ran: true, report: report({ closed: 3 }), keptOvernight: 1, itemsRead: 4 };
    const late: NightlySummary = { ran: false, scheduledTime: '2026-12-01T19:00:00Z', reason: 'late' };

    // Act / Assess
    expect(describeRun(ran)).toBe('terminated 3, kept 1 overnight');
    expect(describeRun(late)).toBe('did nothing: late');
  });

  it('a reconciliation says what it reconciled and which orphans it terminated', () => {
    // Prepare
    const summary: Omit<ReconcileSummary, 'instanceGone'> & Record<string, unknown> = {
      managedInstances: 5,
      orphansTerminated: 1,
      orphansUnreported: 0,
      instanceGone: report({ closed: 2 }),
    };

    // Act / Assess
    expect(describeRun(summary)).toBe(
      'terminated 1, reconciled 2 record(s) whose instance was gone, 5 managed instance(s) checked',
    );
  });

  it('names the numbers of a summary it does not know, and nothing for no summary', () => {
    expect(describeRun({ reminded: 2, note: 'x' })).toBe('reminded 2');
    expect(describeRun(undefined)).toBe('');
  });
});
