/**
 * A report renders evidence and cause of failure as free text in CSV and as elements in XML.
 * Both end up as the same objects here, so the two formats store the same rows. Text is read
 * from labelled lines ("Expected: ...", "Actual value: ...", "Extended: ..."); a value runs
 * until the next label. Unrecognised text is kept as `{ text }`.
 */
const evidenceLabel = /^\s*(expected|actual|current|extended)(?:\s+(?:values?|evidence))?\s*[:=]\s?/i;

export interface EvidenceParts {
  expected: string | null;
  actual: string | null;
  extended: string | null;
}

export function parseEvidence(text: string | null): EvidenceParts {
  const parts: Record<'expected' | 'actual' | 'extended', string[] | null> = {
    expected: null,
    actual: null,
    extended: null,
  };
  if (!text) return { expected: null, actual: null, extended: null };
  let current: string[] | null = null;
  for (const line of text.split(/\r?\n/)) {
    const match = evidenceLabel.exec(line);
    if (match) {
      current = [line.slice(match[0].length)];
      const label = match[1]?.toLowerCase();
      parts[label === 'expected' ? 'expected' : label === 'extended' ? 'extended' : 'actual'] = current;
    } else if (current) {
      current.push(line);
    }
  }
  const join = (lines: string[] | null) => {
    const value = lines?.join('\n').trim();
    return value ? value : null;
  };
  return { expected: join(parts.expected), actual: join(parts.actual), extended: join(parts.extended) };
}

export interface CauseOfFailure {
  missing: { logic: string | null; values: string[] } | null;
  unexpected: { values: string[] } | null;
}

const missingLine = /^\s*missing(?:\s*\((\w+)\))?\s*:\s*(.*)$/i;
const unexpectedLine = /^\s*unexpected\s*:\s*(.*)$/i;

function splitValues(list: string): string[] {
  return list
    .split(/,\s*/)
    .map((value) => value.trim())
    .filter(Boolean);
}

/** `Missing (ALL): a, b` / `Unexpected: c`, the text form of the posture MISSING/UNEXPECTED lists. */
export function parseCauseOfFailure(text: string | null): CauseOfFailure | { text: string } | null {
  if (!text) return null;
  const cause: CauseOfFailure = { missing: null, unexpected: null };
  for (const line of text.split(/\r?\n/)) {
    const missing = missingLine.exec(line);
    if (missing) {
      cause.missing = { logic: missing[1]?.toUpperCase() ?? null, values: splitValues(missing[2] ?? '') };
      continue;
    }
    const unexpected = unexpectedLine.exec(line);
    if (unexpected) cause.unexpected = { values: splitValues(unexpected[1] ?? '') };
  }
  return cause.missing || cause.unexpected ? cause : { text };
}

/** Renders list values back into the text form, so XML and CSV feed one parser. */
export function formatCauseOfFailure(
  missing: { logic: string | null; values: string[] } | null,
  unexpected: string[] | null,
): string | null {
  const lines: string[] = [];
  if (missing)
    lines.push(`Missing${missing.logic ? ` (${missing.logic})` : ''}: ${missing.values.join(', ')}`);
  if (unexpected) lines.push(`Unexpected: ${unexpected.join(', ')}`);
  return lines.length ? lines.join('\n') : null;
}
