import { BadResponseError, TransientError } from '@posturesync/core';

export interface QualysErrorElement {
  code: string | null;
  text: string;
}

/** `{"response":{"code":999,"text":"..."}}`: Qualys' error envelope, sometimes sent with HTTP 200. */
export function qualysErrorElement(value: unknown): QualysErrorElement | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const response = (value as { response?: unknown }).response;
  if (response === null || typeof response !== 'object') return null;
  const { code, text } = response as { code?: unknown; text?: unknown };
  if (typeof text !== 'string' && code === undefined) return null;
  return {
    code: code === undefined || code === null ? null : String(code),
    text: typeof text === 'string' ? text : '(no text)',
  };
}

/**
 * An error envelope in a 200 body. Code 999 ("Internal error. Please retry the request.") is
 * worth retrying; anything else is a request Qualys will keep refusing.
 */
export function errorFromQualysElement(element: QualysErrorElement, what: string): Error {
  const message = `Qualys PCRS answered ${what} with an error instead of data: ${element.code === null ? '' : `code ${element.code}: `}${element.text}`;
  const details = { qualysCode: element.code, qualysText: element.text, request: what };
  if (element.code === '999' || /retry/i.test(element.text)) {
    return new TransientError(`${message}. It is retried; if it persists, try again later.`, {
      phase: 'body',
      details: { ...details, reason: 'server-error' },
    });
  }
  return new BadResponseError(message, { details });
}
