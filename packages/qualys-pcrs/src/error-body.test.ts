import { describe, expect, it } from 'vitest';
import { describeErrorBody } from './error-body.ts';

describe('describeErrorBody', () => {
  it('reads the documented PCRS error shapes', () => {
    expect(
      describeErrorBody(
        '[{"response":{"datetime":"2021-10-28T13:29:06Z","code":1905,"text":"parameter policy_ids has invalid value: 4199751a"}}]',
      ),
    ).toBe('code 1905: parameter policy_ids has invalid value: 4199751a');
    expect(describeErrorBody('{"message": "Invalid input Parameter."}')).toBe('Invalid input Parameter.');
    expect(describeErrorBody('{"status":401,"error":"Unauthorized","message":"JWT expired"}')).toBe(
      'JWT expired',
    );
    expect(
      describeErrorBody(
        '{"authentication_exceptions":[["Authentication Failure: InvalidCredentialsException"]]}',
      ),
    ).toBe('Authentication Failure: InvalidCredentialsException');
  });

  it('falls back to a short excerpt', () => {
    expect(describeErrorBody('')).toBe('(empty body)');
    expect(describeErrorBody('<html>  oops </html>')).toBe('<html> oops </html>');
    expect(describeErrorBody('x'.repeat(400))).toHaveLength(303);
  });
});
