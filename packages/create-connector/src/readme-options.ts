import { readFileSync, writeFileSync } from 'node:fs';
import { ConfigError } from '@posturesync/core';

export const optionsStartMarker = '<!-- options:start -->';
export const optionsEndMarker = '<!-- options:end -->';
const generatedNote =
  '<!-- generated from the config schema by `pnpm options-table`; do not edit by hand -->';

/** The README text with the options section replaced by `table`. */
export function replaceOptionsSection(readme: string, table: string, where = 'README.md'): string {
  const start = readme.indexOf(optionsStartMarker);
  const end = readme.indexOf(optionsEndMarker);
  if (start === -1 || end === -1 || end < start) {
    throw new ConfigError(
      `${where} lacks the options markers: add a line "${optionsStartMarker}" and a line "${optionsEndMarker}" where the options table belongs`,
    );
  }
  const before = readme.slice(0, start + optionsStartMarker.length);
  const after = readme.slice(end);
  return `${before}\n${generatedNote}\n\n${table.trim()}\n\n${after}`;
}

/** The current text between the markers (for diffs), or null when the markers are missing. */
export function optionsSection(readme: string): string | null {
  const start = readme.indexOf(optionsStartMarker);
  const end = readme.indexOf(optionsEndMarker);
  if (start === -1 || end === -1 || end < start) return null;
  return readme.slice(start + optionsStartMarker.length, end);
}

/** Writes `table` between the markers of the README at `readmePath`; returns whether the file changed. */
export function updateReadmeOptions(readmePath: string, table: string): boolean {
  const current = readFileSync(readmePath, 'utf8');
  const next = replaceOptionsSection(current, table, readmePath);
  if (next === current) return false;
  writeFileSync(readmePath, next);
  return true;
}

/** A small line diff of two texts: `-` lines only in `before`, `+` lines only in `after`. */
export function lineDiff(before: string, after: string): string {
  const beforeLines = before.split('\n');
  const afterLines = after.split('\n');
  const afterSet = new Set(afterLines);
  const beforeSet = new Set(beforeLines);
  return [
    ...beforeLines.filter((line) => !afterSet.has(line)).map((line) => `- ${line}`),
    ...afterLines.filter((line) => !beforeSet.has(line)).map((line) => `+ ${line}`),
  ].join('\n');
}
