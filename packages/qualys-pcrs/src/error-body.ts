/**
 * Turns a PCRS error body into one line a user can act on. Known shapes:
 * `[{"response":{"code":1905,"text":"..."}}]` (400), `{"message":"Invalid input Parameter."}`
 * (404), `{"status":401,"error":"Unauthorized","message":"JWT expired"}` and
 * `{"authentication_exceptions":[["..."]]}` (401). Anything else is cut to a short excerpt.
 */
export function describeErrorBody(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return '(empty body)';
  try {
    const parsed: unknown = JSON.parse(trimmed);
    const parts: string[] = [];
    const visit = (value: unknown) => {
      if (Array.isArray(value)) {
        for (const item of value) visit(item);
        return;
      }
      if (typeof value === 'string') {
        parts.push(value);
        return;
      }
      if (value === null || typeof value !== 'object') return;
      const object = value as Record<string, unknown>;
      if (object.response !== undefined) return visit(object.response);
      if (object.authentication_exceptions !== undefined) return visit(object.authentication_exceptions);
      const code = object.code ?? object.errorCode;
      const message = object.text ?? object.message ?? object.error ?? object.errorMessage;
      if (typeof message === 'string')
        parts.push(code === undefined ? message : `code ${String(code)}: ${message}`);
    };
    visit(parsed);
    if (parts.length > 0) return parts.join('; ').slice(0, 500);
  } catch {
    // Not JSON: fall through to the excerpt.
  }
  const excerpt = trimmed.replace(/\s+/g, ' ');
  return excerpt.length > 300 ? `${excerpt.slice(0, 300)}...` : excerpt;
}
