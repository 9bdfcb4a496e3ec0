import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  lineDiff,
  optionsEndMarker,
  optionsSection,
  optionsStartMarker,
  replaceOptionsSection,
  updateReadmeOptions,
} from '../src/readme-options.ts';

const readme = `# x\n\nIntro.\n\n${optionsStartMarker}\nold table\n${optionsEndMarker}\n\n## Limits\n`;

describe('replaceOptionsSection', () => {
  it('replaces only the text between the markers and keeps the rest', () => {
    const next = replaceOptionsSection(readme, '| a |\n| --- |');
    expect(next).toContain('# x\n\nIntro.\n\n');
    expect(next).toContain('| a |\n| --- |\n\n<!-- options:end -->\n\n## Limits\n');
    expect(next).not.toContain('old table');
    // Rendering again changes nothing: the check in CI compares byte for byte.
    expect(replaceOptionsSection(next, '| a |\n| --- |')).toBe(next);
  });

  it('names the file and the markers to add when they are missing', () => {
    expect(() => replaceOptionsSection('# x\n', 't', 'packages/x/README.md')).toThrow(
      /packages\/x\/README.md lacks the options markers: add a line "<!-- options:start -->"/,
    );
  });
});

describe('updateReadmeOptions', () => {
  let directory: string | undefined;
  afterEach(() => {
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('writes the table once and reports no change the second time', () => {
    directory = mkdtempSync(join(tmpdir(), 'readme-options-'));
    const path = join(directory, 'README.md');
    writeFileSync(path, readme);
    expect(updateReadmeOptions(path, '| new |')).toBe(true);
    expect(updateReadmeOptions(path, '| new |')).toBe(false);
    expect(optionsSection(readFileSync(path, 'utf8'))).toContain('| new |');
  });
});

describe('lineDiff', () => {
  it('lists removed lines with - and added lines with +', () => {
    expect(lineDiff('a\nb\nc', 'a\nc\nd')).toBe('- b\n+ d');
  });
});
