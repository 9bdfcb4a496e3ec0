/**
 * Source data nested thousands of levels deep makes JSON.stringify (recursive in V8) throw
 * "Maximum call stack size exceeded", which would fail the whole batch and the run on every
 * run (issue 13). These helpers never recurse deeper than their limit.
 */

/**
 * Whether `value` holds arrays or objects nested deeper than `maxDepth` (walked without
 * recursion). A cycle is endlessly deep, so it is reported as too deep as well.
 */
export function jsonDepthExceeds(value: unknown, maxDepth: number): boolean {
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

/** A copy of `value` in which anything deeper than `maxDepth` is replaced by a marker string. */
export function depthLimited(value: unknown, maxDepth: number): unknown {
  return limit(value, maxDepth, 1);
}

function limit(value: unknown, maxDepth: number, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > maxDepth) return `[nested deeper than ${maxDepth} levels]`;
  if (Array.isArray(value)) return value.map((item) => limit(item, maxDepth, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) copy[key] = limit(inner, maxDepth, depth + 1);
  return copy;
}
