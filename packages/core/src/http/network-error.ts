/** Why a request failed below HTTP: the `details.reason` of the resulting error. */
export type NetworkFailureReason =
  | 'unreachable'
  | 'timeout'
  | 'reset'
  | 'tls'
  | 'invalid-request'
  | 'network';

export interface NetworkFailure {
  reason: NetworkFailureReason;
  /** The most specific error code found (e.g. `ECONNRESET`, `UND_ERR_BODY_TIMEOUT`). */
  code: string | undefined;
  /** For `tls`: the server's certificate was rejected (as opposed to a protocol mismatch). */
  certificate: boolean;
  /** Trying again later may succeed (not for TLS or malformed requests). */
  retryable: boolean;
  /** The failure happened before the request reached the server, so even a POST may be resent. */
  notSent: boolean;
}

const unreachableCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
]);
const timeoutCodes = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
]);
const resetCodes = new Set([
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'ERR_STREAM_PREMATURE_CLOSE',
  'HPE_INVALID_CHUNK_SIZE',
  'HPE_INVALID_EOF_STATE',
]);
// OpenSSL verification results as Node reports them in `error.code`.
const certificateCodes = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_CHAIN_TOO_LONG',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Every `code` in an error, its `cause` chain and (AggregateError, happy eyeballs) its `errors`. */
export function errorCodesOf(error: unknown): string[] {
  const codes: string[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number) => {
    if (depth > 8 || value === null || typeof value !== 'object' || seen.has(value)) return;
    seen.add(value);
    const record = value as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof record.code === 'string') codes.push(record.code);
    visit(record.cause, depth + 1);
    if (Array.isArray(record.errors)) for (const inner of record.errors) visit(inner, depth + 1);
  };
  visit(error, 0);
  return codes;
}

/** Classifies an error thrown by undici (or Node's net/tls) while sending or receiving. */
export function classifyNetworkError(error: unknown): NetworkFailure {
  const codes = errorCodesOf(error);
  const find = (set: ReadonlySet<string>) => codes.find((code) => set.has(code));
  const certificate = find(certificateCodes) ?? codes.find((code) => /CERT/.test(code));
  if (certificate) return failure('tls', certificate, { certificate: true, retryable: false, notSent: true });
  const tls = codes.find(
    (code) => code.startsWith('ERR_SSL_') || code === 'EPROTO' || code.startsWith('ERR_TLS_'),
  );
  if (tls) return failure('tls', tls, { retryable: false, notSent: true });
  const timeout = find(timeoutCodes);
  if (timeout) return failure('timeout', timeout, { notSent: timeout === 'UND_ERR_CONNECT_TIMEOUT' });
  const unreachable = find(unreachableCodes);
  if (unreachable) return failure('unreachable', unreachable, { notSent: true });
  const reset = find(resetCodes);
  if (reset) return failure('reset', reset, {});
  const invalid = codes.find((code) => code.startsWith('UND_ERR_INVALID') || code.startsWith('ERR_INVALID'));
  if (invalid) return failure('invalid-request', invalid, { retryable: false });
  return failure('network', codes[0], {});
}

function failure(
  reason: NetworkFailureReason,
  code: string | undefined,
  flags: { certificate?: boolean; retryable?: boolean; notSent?: boolean },
): NetworkFailure {
  return {
    reason,
    code,
    certificate: flags.certificate ?? false,
    retryable: flags.retryable ?? true,
    notSent: flags.notSent ?? false,
  };
}
