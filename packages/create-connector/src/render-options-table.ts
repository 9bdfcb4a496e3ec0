import type { ConnectorDefinition, SecretField } from '@posturesync/core';
import { type ConfigOption, describeConfigOptions } from '@posturesync/core/testing';

type ConfigSchema = ConnectorDefinition<unknown>['configSchema'];

const header = ['Option', 'Type', 'Default', 'Required', 'Secret', 'Description'];

function cell(text: string): string {
  return text
    .replaceAll('\\', '\\\\')
    .replaceAll('|', '\\|')
    .replace(/\s*\n\s*/g, ' ');
}

function code(text: string): string {
  return `\`${cell(text)}\``;
}

/** Length in code points (what Markdown formatters use to align table cells). */
const width = (text: string) => [...text].length;

/**
 * Lays a table out the way Markdown formatters (biome, prettier) do: every column padded to
 * its widest cell, at least 3, so the README reads well as plain text and a formatter run
 * over it changes nothing.
 */
export function markdownTable(rows: readonly (readonly string[])[]): string {
  const [head, ...body] = rows;
  if (!head) return '';
  const widths = head.map((_, column) => Math.max(3, ...rows.map((row) => width(row[column] ?? ''))));
  const line = (cells: readonly string[]) =>
    `| ${widths.map((size, column) => (cells[column] ?? '') + ' '.repeat(size - width(cells[column] ?? ''))).join(' | ')} |`;
  return [line(head), line(widths.map((size) => '-'.repeat(size))), ...body.map(line)].join('\n');
}

/** A Markdown options table from already described options (see `describeConfigOptions`). */
export function renderOptionsRows(
  options: readonly ConfigOption[],
  secrets: readonly SecretField[] = [],
): string {
  const envByKey = new Map(secrets.map((secret) => [secret.key, secret.env]));
  const rows = options.map((option) => {
    const env = envByKey.get(option.path);
    const secret = option.secret || env ? (env ? `yes, from env ${code(env)}` : 'yes') : 'no';
    return [
      code(option.path),
      code(option.type),
      option.defaultValue === null ? '—' : code(option.defaultValue),
      option.required ? 'yes' : 'no',
      secret,
      cell(option.description ?? ''),
    ];
  });
  return markdownTable([header, ...rows]);
}

/**
 * The options table of a connector's zod 4 object schema: one row per key (nested keys
 * dotted), with type, default, whether it is required, whether it is a secret (and the
 * environment variable it comes from, when `secrets` is given) and its description.
 */
export function renderOptionsTable(schema: ConfigSchema, secrets: readonly SecretField[] = []): string {
  return renderOptionsRows(describeConfigOptions(schema), secrets);
}
