/**
 * A report renders evidence and cause of failure as free text in CSV and as elements in XML.
 * Both end up as the same objects here, so the two formats store the same rows.
 *
 * Real CSV reports write banner lines (spec/policy-report-csv-real.md §6):
 *   ======Expected Value(s)======
 *   ======Current Value(s) - Last updated:<date>======
 *   ======Extended Evidence(s)======:
 * with or without `(s)`, `Extended Evidence` optional, text possibly before the first banner.
 * Older layouts (and the simulator's former one) write labelled lines ("Expected: ...",
 * "Actual value: ...", "Extended: ..."), a value running until the next label; still read.
 */
const evidenceLabel = /^\s*(expected|actual|current|extended)(?:\s+(?:values?|evidence))?\s*[:=]\s?/i;

/**
 * One banner line. Only lines starting with `=` and shorter than `maxBannerLength` are tried,
 * so the lazy date group never runs over a long cell line.
 */
const evidenceBanner =
  /^\s*={2,}\s*(expected|current|actual|extended)\s+(?:values?|evidences?)(?:\(s\))?(?:\s*-\s*last\s+updated\s*:?\s*(.*?))?\s*={2,}\s*:?\s*$/i;
const maxBannerLength = 200;

export interface EvidenceParts {
  expected: string | null;
  actual: string | null;
  extended: string | null;
  /** The banner's "Last updated" text of the current values, as written (banner format only). */
  actualLastUpdated: string | null;
  /** Text before the first banner (banner format only). */
  preamble: string | null;
}

type Part = 'expected' | 'actual' | 'extended';

const noEvidence: EvidenceParts = {
  expected: null,
  actual: null,
  extended: null,
  actualLastUpdated: null,
  preamble: null,
};

function joined(lines: string[] | null): string | null {
  const value = lines?.join('\n').trim();
  return value ? value : null;
}

function partOf(word: string | undefined): Part {
  const lower = word?.toLowerCase();
  return lower === 'expected' ? 'expected' : lower === 'extended' ? 'extended' : 'actual';
}

function bannerOf(line: string): RegExpExecArray | null {
  const trimmed = line.trimStart();
  if (!trimmed.startsWith('=') || trimmed.length > maxBannerLength) return null;
  return evidenceBanner.exec(trimmed);
}

function parseBanners(lines: readonly string[]): EvidenceParts | null {
  const parts: Record<Part, string[] | null> = { expected: null, actual: null, extended: null };
  const before: string[] = [];
  let current: string[] | null = null;
  let lastUpdated: string | null = null;
  for (const line of lines) {
    const banner = bannerOf(line);
    if (banner) {
      current = [];
      const part = partOf(banner[1]);
      parts[part] = current;
      if (part === 'actual') lastUpdated = banner[2]?.trim() || null;
    } else if (current) {
      current.push(line);
    } else {
      before.push(line);
    }
  }
  if (current === null) return null;
  return {
    expected: joined(parts.expected),
    actual: joined(parts.actual),
    extended: joined(parts.extended),
    actualLastUpdated: lastUpdated,
    preamble: joined(before),
  };
}

function parseLabels(lines: readonly string[]): EvidenceParts {
  const parts: Record<Part, string[] | null> = { expected: null, actual: null, extended: null };
  let current: string[] | null = null;
  for (const line of lines) {
    const match = evidenceLabel.exec(line);
    if (match) {
      current = [line.slice(match[0].length)];
      parts[partOf(match[1])] = current;
    } else if (current) {
      current.push(line);
    }
  }
  return {
    expected: joined(parts.expected),
    actual: joined(parts.actual),
    extended: joined(parts.extended),
    actualLastUpdated: null,
    preamble: null,
  };
}

/** Splits an Evidence cell into expected, actual and extended values (banner or label format). */
export function parseEvidence(text: string | null): EvidenceParts {
  if (!text) return { ...noEvidence };
  const lines = text.split(/\r?\n/);
  return parseBanners(lines) ?? parseLabels(lines);
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
