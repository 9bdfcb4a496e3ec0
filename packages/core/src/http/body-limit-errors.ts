import { BadResponseError, TransientError } from '../errors/index.ts';
import type { SecretRedactor } from '../log/redact.ts';
import { formatDuration } from './http-client.ts';

interface CallContext {
  method: string;
  path: string;
  label: string;
}

/**
 * The errors a response body fails with when it passes its whole-body bounds (issue 13): too
 * slow overall is a timeout (retried like one), too large is a bad response.
 */
export function bodyLimitErrors(context: CallContext, status: number, redactor: SecretRedactor) {
  return {
    tooSlow: (limitMs: number) =>
      new TransientError(
        `${context.label}: the response body did not finish within ${formatDuration(limitMs)} (the server keeps it open or sends it very slowly). It is retried; raise the response time limit if real answers take this long.`,
        {
          phase: 'body',
          details: redactor.redactValue({ ...context, status, reason: 'timeout', limitMs }),
        },
      ),
    tooLarge: (limitBytes: number) =>
      new BadResponseError(
        `${context.label}: the response body passed ${limitBytes} bytes without ending, more than any real answer; refusing to read further.`,
        { phase: 'body', details: redactor.redactValue({ ...context, status, limitBytes }) },
      ),
  };
}
