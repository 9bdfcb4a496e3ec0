import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { suggestedCommand } from './invocation.ts';

describe('suggestedCommand', () => {
  it('issue 15: suggests the workspace pnpm inside a checkout and the installed command elsewhere', () => {
    expect(suggestedCommand()).toBe('npx pnpm posturesync');
    const installed = join(
      mkdtempSync(join(tmpdir(), 'posturesync-installed-')),
      'node_modules',
      '@posturesync',
      'cli',
    );
    mkdirSync(installed, { recursive: true });
    expect(suggestedCommand(installed)).toBe('npx posturesync');
    const checkout = mkdtempSync(join(tmpdir(), 'posturesync-checkout-'));
    writeFileSync(join(checkout, 'pnpm-workspace.yaml'), 'packages:\n  - packages/*\n');
    mkdirSync(join(checkout, 'packages', 'cli'), { recursive: true });
    expect(suggestedCommand(join(checkout, 'packages', 'cli'))).toBe('npx pnpm posturesync');
  });
});
