import {
  AuthError,
  BadResponseError,
  CancelledError,
  ConfigError,
  NotFoundError,
  PermissionError,
  RateLimitedError,
  TransientError,
} from '@posturesync/core';
import { describe, expect, it } from 'vitest';
import { errorFromSimpleReturn } from './classic-api.ts';
import {
  isRetryableReportError,
  listAttemptsExhausted,
  reportAttemptsExhausted,
  reportRetryWarning,
} from './report-retry.ts';

describe('report retries', () => {
  it('issue 6: retries broken-off bodies, bad report content and errors under HTTP 200 only', () => {
    expect(isRetryableReportError(new TransientError('reset mid-body', { details: { phase: 'body' } }))).toBe(
      true,
    );
    expect(
      isRetryableReportError(new BadResponseError('not well-formed XML', { details: { line: 3 } })),
    ).toBe(true);
    const under200 = errorFromSimpleReturn('Policy report 7 fetch', 200, {
      code: '999',
      text: 'Internal error',
      items: {},
      datetime: null,
    });
    expect(under200).toBeInstanceOf(BadResponseError);
    expect(isRetryableReportError(under200)).toBe(true);
    // A 4xx is Qualys refusing on purpose (e.g. an unknown report ID): asking again changes nothing.
    const refused = errorFromSimpleReturn('Policy report 7 fetch', 400, {
      code: '1905',
      text: 'no such report',
      items: {},
      datetime: null,
    });
    expect(isRetryableReportError(refused)).toBe(false);
    for (const error of [
      new AuthError('bad login'),
      new PermissionError('no API access'),
      new NotFoundError('no report'),
      new ConfigError('bad URL'),
      new CancelledError(),
      new RateLimitedError('still limited'),
      new Error('a bug'),
    ]) {
      expect(isRetryableReportError(error), error.name).toBe(false);
    }
  });

  it('issue 6: the retry warning names the report, the attempt and the reason', () => {
    const text = reportRetryWarning('42', 1, 3, 750, new TransientError('the body was interrupted'));
    expect(text).toMatch(/^Policy report 42: attempt 1 of 3 failed \(the body was interrupted\)/);
    expect(text).toContain('in 750 ms');
  });

  it('issue 6: the final error keeps its class, the parser position, and says how many attempts were made', () => {
    const parseError = new BadResponseError(
      'Policy report 42 is not well-formed XML at line 17, column 4: unexpected close tag. Re-run the report in Qualys or fetch it again; data already stored is kept.',
      { details: { reportId: '42', line: 17, column: 4, format: 'xml' } },
    );
    const final = reportAttemptsExhausted(parseError, '42', 3, { line: 15, column: 2 });
    expect(final).toBeInstanceOf(BadResponseError);
    expect(final.code).toBe('PS_ERR_BAD_RESPONSE');
    expect(final.message).toContain('at line 17, column 4');
    expect(final.message).toContain('failed after 3 attempts');
    expect(final.message).not.toContain('stopped after');
    expect(final.details).toMatchObject({ reportId: '42', attempts: 3, line: 17, column: 4 });
    expect(final.cause).toBe(parseError);
  });

  it('issue 6: a broken-off body is placed by the last record read', () => {
    const reset = new TransientError(
      'Policy report 42 fetch: the response body was interrupted (connection reset). The download can be retried from the start.',
      { details: { phase: 'body' } },
    );
    const final = reportAttemptsExhausted(reset, '42', 2, { line: 120, column: null });
    expect(final).toBeInstanceOf(TransientError);
    expect(final.message).toMatch(
      /report 42 fetch: .* failed after 2 attempts; the last attempt stopped after line 120\./,
    );
    expect(final.details).toMatchObject({ phase: 'body', reportId: '42', attempts: 2, line: 120 });
    const unnamed = reportAttemptsExhausted(new TransientError('socket hang up'), '42', 1, null);
    expect(unnamed.message).toBe(
      'socket hang up. The import of policy report 42 failed after 1 attempt. Data already stored is kept; the next sync imports the report again.',
    );
  });

  it('issue 6: the report list error says how many attempts were made', () => {
    const final = listAttemptsExhausted(
      new BadResponseError('The Qualys report list is not well-formed XML'),
      3,
    );
    expect(final).toBeInstanceOf(BadResponseError);
    expect(final.message).toBe(
      'The Qualys report list is not well-formed XML. Reading the Qualys report list failed after 3 attempts.',
    );
  });
});
