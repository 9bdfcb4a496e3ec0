import type { MappedRecords } from './map-posture-record.ts';

/**
 * Deepest nesting a record may have to cross from a worker to the main thread. Node's message
 * deserializer recurses and gives up ("Maximum call stack size exceeded") somewhere past a
 * thousand levels, and then drops the whole message silently. The engine quarantines anything
 * deeper than 64 levels anyway (issue 13), so a copy cut at this depth is quarantined with the
 * same position, reason and kept levels as the original would be in-thread.
 */
export const maxTransferDepth = 256;

/** Whether arrays or objects nest deeper than `maxDepth` (walked without recursion; a cycle is too deep). */
function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  const stack: Array<{ value: object; depth: number }> = [{ value, depth: 1 }];
  while (stack.length > 0) {
    const current = stack.pop() as { value: object; depth: number };
    if (current.depth > maxDepth) return true;
    const children = Array.isArray(current.value) ? current.value : Object.values(current.value);
    for (const child of children) {
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth: current.depth + 1 });
    }
  }
  return false;
}

function cut(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > maxTransferDepth) return `[nested deeper than ${maxTransferDepth} levels]`;
  if (Array.isArray(value)) return value.map((item) => cut(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) copy[key] = cut(inner, depth + 1);
  return copy;
}

function limitList<T>(records: T[]): T[] {
  let out: T[] | null = null;
  for (let index = 0; index < records.length; index += 1) {
    if (!nestsDeeperThan(records[index], maxTransferDepth)) continue;
    out ??= [...records];
    out[index] = cut(records[index], 1) as T;
  }
  return out ?? records;
}

/** `records` ready for `postMessage`: any record nested past `maxTransferDepth` cut there. */
export function limitTransferDepth(records: MappedRecords): MappedRecords {
  return {
    hosts: limitList(records.hosts),
    definitions: limitList(records.definitions),
    violations: limitList(records.violations),
    rejects: limitList(records.rejects),
  };
}
