import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/** Renders a key path the way users write it: `connectors[0] (pcrs-prod).policyIds.include[2]`. */
export function formatKeyPath(prefix: string, path: readonly PropertyKey[]): string {
  let text = prefix;
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text === '' ? '(top level)' : text;
}

/** A short, safe rendering of a value the user wrote; long values are cut. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const article = (noun: string) => (/^[aeiou]/i.test(noun) ? `an ${noun}` : `a ${noun}`);

function typeName(expected: string): string {
  switch (expected) {
    case 'int':
      return 'an integer';
    case 'array':
    case 'tuple':
      return 'a list';
    case 'object':
    case 'record':
      return 'an object (a map of keys)';
    case 'null':
    case 'undefined':
      return expected;
    default:
      return article(expected);
  }
}

function sizeNoun(origin: string, bound: number | bigint): string {
  switch (origin) {
    case 'string':
      return `characters`;
    case 'array':
    case 'set':
      return Number(bound) === 1 ? 'item' : 'items';
    default:
      return '';
  }
}

function zodDefault(message: string): boolean {
  return /^(Invalid|Too (big|small)|Unrecognized|Expected)/.test(message);
}

function got(issue: Issue, sensitive: boolean): string {
  if (sensitive || !('input' in issue)) return '';
  return `, got ${describeValue(issue.input)}`;
}

/** One human sentence for one zod issue: what was expected and what was found. */
function explain(issue: Issue, sensitive: boolean): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return `is required (expected ${typeName(issue.expected)})`;
      return `expected ${typeName(issue.expected)}${got(issue, sensitive)}`;
    case 'too_big': {
      const noun = sizeNoun(issue.origin, issue.maximum);
      if (noun)
        return `expected at most ${issue.maximum} ${noun}${sensitive ? '' : `, got ${describeValue(issue.input)}`}`;
      return `expected ${typeName(issue.origin === 'int' ? 'int' : issue.origin)} ${issue.inclusive === false ? '<' : '<='} ${issue.maximum}${got(issue, sensitive)}`;
    }
    case 'too_small': {
      const noun = sizeNoun(issue.origin, issue.minimum);
      if (noun) {
        if (Number(issue.minimum) === 1 && issue.origin === 'string') return 'must not be empty';
        return `expected at least ${issue.minimum} ${noun}${got(issue, sensitive)}`;
      }
      return `expected ${typeName(issue.origin === 'int' ? 'int' : issue.origin)} ${issue.inclusive === false ? '>' : '>='} ${issue.minimum}${got(issue, sensitive)}`;
    }
    case 'invalid_value':
      return `expected ${issue.values.length === 1 ? '' : 'one of '}${issue.values.map((value) => describeValue(value)).join(', ')}${got(issue, sensitive)}`;
    case 'invalid_format':
      if (!zodDefault(issue.message)) return `${issue.message}${got(issue, sensitive)}`;
      return `expected ${issue.format === 'regex' ? `text matching ${issue.pattern}` : article(issue.format)}${got(issue, sensitive)}`;
    case 'not_multiple_of':
      return `expected a multiple of ${issue.divisor}${got(issue, sensitive)}`;
    case 'unrecognized_keys':
      return `unknown option${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((key) => `"${key}"`).join(', ')} (check the spelling; see the connector's README for its options)`;
    default:
      return issue.message;
  }
}

/** Which issues to report for a union: the branch that got furthest is most likely the one meant. */
function unionIssues(issue: z.core.$ZodIssueInvalidUnion): Issue[] | null {
  if (issue.errors.length === 0) return null;
  const depth = (issues: Issue[]) => Math.max(0, ...issues.map((inner) => inner.path.length));
  const deepest = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0];
  if (!deepest || depth(deepest) === 0) return null;
  return deepest.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }) as Issue);
}

function unionExpectation(issue: z.core.$ZodIssueInvalidUnion, sensitive: boolean): string {
  const options: string[] = [];
  for (const branch of issue.errors) {
    const first = branch[0];
    if (!first) continue;
    if (first.code === 'invalid_type') options.push(typeName(first.expected));
    else if (first.code === 'invalid_value')
      options.push(first.values.map((v) => describeValue(v)).join(' or '));
    else
      options.push(
        explain(first, sensitive)
          .replace(/^expected /, '')
          .replace(/, got .*$/, ''),
      );
  }
  return `expected ${[...new Set(options)].join(' or ')}${got(issue, sensitive)}`;
}

/**
 * Turns zod issues into lines like
 * `connectors[0] (pcrs-prod).batchSize: expected a number <= 5000, got 9000`.
 * `isSensitive(path)` hides the rejected value for secret keys.
 */
export function formatIssues(
  issues: readonly Issue[],
  prefix: string,
  isSensitive: (path: readonly PropertyKey[]) => boolean = () => false,
): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'invalid_union') {
      const inner = unionIssues(issue);
      if (inner) {
        lines.push(...formatIssues(inner, prefix, isSensitive));
        continue;
      }
      lines.push(`${formatKeyPath(prefix, issue.path)}: ${unionExpectation(issue, isSensitive(issue.path))}`);
      continue;
    }
    lines.push(`${formatKeyPath(prefix, issue.path)}: ${explain(issue, isSensitive(issue.path))}`);
  }
  return [...new Set(lines)];
}
