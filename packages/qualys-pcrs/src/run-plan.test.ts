import { describe, expect, it } from 'vitest';
import { parsePcrsState, postureBatchKey, toConnectorState } from './checkpoint-state.ts';
import { describePlan, hostIdsGroups, nextWatermarks, planRun } from './run-plan.ts';

const runStartedAt = '2024-05-02T00:00:00.000Z';

describe('planRun', () => {
  it('fetches every policy in full without watermarks', () => {
    const plan = planRun(parsePcrsState(null, ['1', '2']), ['1', '2'], { full: false, runStartedAt }, 60);
    expect(plan).toEqual({
      mode: 'full',
      run: { startedAt: runStartedAt, lastScanDates: { '1': null, '2': null }, completedBatchKeys: [] },
    });
  });

  it('issue 4: asks each policy for hosts scanned since its own watermark minus the safety margin', () => {
    const state = parsePcrsState(
      {
        version: 2,
        watermarks: { '1': '2024-05-01T06:30:00.000Z', '2': '2024-04-20T00:00:00.000Z' },
        run: null,
      },
      ['1', '2', '3'],
    );
    const plan = planRun(state, ['1', '2', '3'], { full: false, runStartedAt }, 60);
    expect(plan.mode).toBe('incremental');
    expect(plan.run.lastScanDates).toEqual({
      '1': '2024-05-01T05:30:00Z',
      '2': '2024-04-19T23:00:00Z',
      // No watermark: new to the sync, so all its hosts.
      '3': null,
    });
    expect(describePlan(plan)).toMatch(/2 policies incrementally .*1 policies in full/);
  });

  it('full ignores the watermarks', () => {
    const state = parsePcrsState({ version: 2, watermarks: { '1': runStartedAt }, run: null }, ['1']);
    expect(planRun(state, ['1'], { full: true, runStartedAt }, 60).run.lastScanDates).toEqual({ '1': null });
  });

  it('resumes an interrupted run with each policy keeping its filter; newly selected policies are planned fresh', () => {
    const interrupted = {
      startedAt: '2024-05-01T00:00:00.000Z',
      lastScanDates: { '1': '2024-04-30T23:00:00Z', '2': null },
      completedBatchKeys: ['1:2:x'],
    };
    const state = parsePcrsState(
      { version: 2, watermarks: { '1': '2024-05-01T00:00:00.000Z' }, run: interrupted },
      ['1', '2', '3'],
    );
    const plan = planRun(state, ['1', '2', '3'], { full: false, runStartedAt }, 60);
    expect(plan).toEqual({
      mode: 'resume',
      run: { ...interrupted, lastScanDates: { ...interrupted.lastScanDates, '3': null } },
    });
    expect(describePlan(plan)).toMatch(/^resuming the interrupted sync/);
    expect(planRun(state, ['1', '2', '3'], { full: true, runStartedAt }, 60).mode).toBe('full');
  });
});

describe('parsePcrsState', () => {
  it('treats an unrecognisable state as none', () => {
    const none = { version: 2, watermarks: {}, run: null };
    expect(parsePcrsState({ something: 'else' }, ['1'])).toEqual(none);
    expect(parsePcrsState({ version: 3, watermarks: { '1': runStartedAt } }, ['1'])).toEqual(none);
  });

  it('drops watermarks that are not dates, so those policies sync in full', () => {
    const state = parsePcrsState(
      { version: 2, watermarks: { '1': runStartedAt, '2': 'yesterday', '3': 5 }, run: null },
      ['1', '2', '3'],
    );
    expect(state.watermarks).toEqual({ '1': runStartedAt });
  });

  it('issue 4: migrates a version 1 state by giving its watermark and run filter to the selected policies', () => {
    const v1 = {
      version: 1,
      watermark: '2024-05-01T06:30:00.000Z',
      run: { startedAt: runStartedAt, lastScanDate: '2024-05-01T05:30:00Z', completedBatchKeys: ['1:2:x'] },
    };
    expect(parsePcrsState(v1, ['1', '2'])).toEqual({
      version: 2,
      watermarks: { '1': v1.watermark, '2': v1.watermark },
      run: {
        startedAt: runStartedAt,
        lastScanDates: { '1': '2024-05-01T05:30:00Z', '2': '2024-05-01T05:30:00Z' },
        completedBatchKeys: ['1:2:x'],
      },
    });
    expect(parsePcrsState({ version: 1, watermark: null, run: null }, ['1'])).toEqual({
      version: 2,
      watermarks: {},
      run: null,
    });
  });

  it('round-trips through the stored form', () => {
    const state = parsePcrsState(
      {
        version: 2,
        watermarks: { '1': runStartedAt },
        run: { startedAt: runStartedAt, lastScanDates: { '1': null }, completedBatchKeys: ['k'] },
      },
      ['1'],
    );
    expect(parsePcrsState(JSON.parse(JSON.stringify(toConnectorState(state))), ['1'])).toEqual(state);
  });
});

describe('hostIdsGroups', () => {
  it('issue 4: shares a hostids call only between policies with the same lastScanDate, at most N per call', () => {
    const since = '2024-05-01T05:30:00Z';
    const older = '2024-04-01T00:00:00Z';
    const dates = { a: since, b: null, c: since, d: older, e: since, f: null };
    expect(hostIdsGroups(['a', 'b', 'c', 'd', 'e', 'f'], dates, 2)).toEqual([
      { lastScanDate: since, policyIds: ['a', 'c'] },
      { lastScanDate: since, policyIds: ['e'] },
      { lastScanDate: null, policyIds: ['b', 'f'] },
      { lastScanDate: older, policyIds: ['d'] },
    ]);
  });
});

describe('nextWatermarks', () => {
  it('issue 4: moves only completed policies and keeps the others', () => {
    const previous = { '1': '2024-04-01T00:00:00.000Z', '2': '2024-04-01T00:00:00.000Z', '9': 'x' };
    expect(nextWatermarks(previous, ['1', '3'], runStartedAt)).toEqual({
      '1': runStartedAt,
      '2': '2024-04-01T00:00:00.000Z',
      '3': runStartedAt,
      '9': 'x',
    });
  });
});

describe('postureBatchKey', () => {
  it('depends on the policy and the exact host list', () => {
    const key = postureBatchKey('1', ['10', '11']);
    expect(key).toBe(postureBatchKey('1', ['10', '11']));
    expect(key).not.toBe(postureBatchKey('2', ['10', '11']));
    expect(key).not.toBe(postureBatchKey('1', ['10', '12']));
    expect(key).not.toBe(postureBatchKey('1', ['101', '1']));
  });
});
