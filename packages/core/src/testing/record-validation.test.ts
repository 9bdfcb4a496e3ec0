import { describe, expect, it } from 'vitest';
import { assertNoSecrets, findSecrets } from './assert-no-secrets.ts';
import { batchProblems, jsonRoundTripProblem } from './record-validation.ts';

describe('batchProblems', () => {
  it('flags empty stream and position, invalid records, foreign source names and non-JSON checkpoints', () => {
    const problems = batchProblems(
      {
        stream: '',
        position: '',
        policies: [
          {
            uid: '',
            sourceName: 'OTHER',
            title: null,
            status: null,
            locked: null,
            createdBy: null,
            createdDate: null,
            modifiedDate: null,
            lastEvaluated: null,
            raw: {},
          },
        ],
        checkpoint: { since: new Date(0) },
      },
      'MINE',
      3,
    );
    expect(problems).toHaveLength(4);
    expect(problems[0]).toContain('stream is empty');
    expect(problems[1]).toContain('position is empty');
    expect(problems[2]).toContain('policies[0] is not a valid model record: uid:');
    expect(problems[3]).toContain('checkpoint is not JSON-serialisable');
  });

  it('flags a record from another source name', () => {
    const problems = batchProblems(
      {
        stream: 'policies',
        position: 'page 1',
        policies: [
          {
            uid: 'p',
            sourceName: 'OTHER',
            title: null,
            status: null,
            locked: null,
            createdBy: null,
            createdDate: null,
            modifiedDate: null,
            lastEvaluated: null,
            raw: {},
          },
        ],
      },
      'MINE',
      0,
    );
    expect(problems).toEqual([
      'batch 0 (policies @ page 1): policies[0].sourceName is "OTHER", expected "MINE"',
    ]);
  });
});

describe('jsonRoundTripProblem', () => {
  it('accepts plain JSON values and rejects bigints, Dates and Maps', () => {
    expect(jsonRoundTripProblem({ page: 2, ids: ['1'], nested: { at: null } })).toBeNull();
    expect(jsonRoundTripProblem({ id: 1n })).not.toBeNull();
    expect(jsonRoundTripProblem({ at: new Date(0) })).not.toBeNull();
    expect(jsonRoundTripProblem({ seen: new Map([['a', 1]]) })).not.toBeNull();
  });
});

describe('findSecrets / assertNoSecrets', () => {
  it('finds secrets as is, URL-encoded and base64-encoded, ignoring very short values', () => {
    const secret = 'p@ss word!';
    expect(findSecrets(`x ${secret} y`, [secret])).toEqual([secret]);
    expect(findSecrets(`x ${encodeURIComponent(secret)}`, [secret])).toEqual([secret]);
    expect(findSecrets(Buffer.from(secret).toString('base64'), [secret])).toEqual([secret]);
    expect(findSecrets('abc is short', ['abc'])).toEqual([]);
    expect(() => assertNoSecrets('clean text', [secret])).not.toThrow();
    expect(() => assertNoSecrets(`leaked ${secret}`, [secret], 'logs')).toThrow(/leaked into logs/);
  });
});
