import { describe, expect, it } from 'vitest';
import { parsePcrsState, postureBatchKey } from './checkpoint-state.ts';
import { planRun } from './read-posture.ts';

const runStartedAt = '2024-05-02T00:00:00.000Z';

describe('planRun', () => {
  it('runs full without a watermark', () => {
    const plan = planRun(parsePcrsState(null), { full: false, runStartedAt }, 60);
    expect(plan).toEqual({
      mode: 'full',
      run: { startedAt: runStartedAt, lastScanDate: null, completedBatchKeys: [] },
    });
  });

  it('issue 4: asks for hosts scanned since the watermark minus the safety margin', () => {
    const state = parsePcrsState({ version: 1, watermark: '2024-05-01T06:30:00.000Z', run: null });
    const plan = planRun(state, { full: false, runStartedAt }, 60);
    expect(plan.mode).toBe('incremental');
    expect(plan.run.lastScanDate).toBe('2024-05-01T05:30:00Z');
  });

  it('resumes an interrupted run unless full is asked for', () => {
    const interrupted = {
      startedAt: '2024-05-01T00:00:00.000Z',
      lastScanDate: null,
      completedBatchKeys: ['1:2:x'],
    };
    const state = parsePcrsState({ version: 1, watermark: '2024-04-01T00:00:00.000Z', run: interrupted });
    expect(planRun(state, { full: false, runStartedAt }, 60)).toEqual({ mode: 'resume', run: interrupted });
    expect(planRun(state, { full: true, runStartedAt }, 60).mode).toBe('full');
  });

  it('treats an unrecognisable state as none', () => {
    expect(parsePcrsState({ something: 'else' })).toEqual({ version: 1, watermark: null, run: null });
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
