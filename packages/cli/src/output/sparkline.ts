const bars = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/**
 * A one-line chart of ratios in 0..1 on an absolute scale (so 0.5 always looks the same), one
 * character per value; only the last `width` values are drawn.
 */
export function sparkline(ratios: readonly number[], width = 30): string {
  return ratios
    .slice(-width)
    .map((ratio) => {
      const clamped = Number.isFinite(ratio) ? Math.min(1, Math.max(0, ratio)) : 0;
      return bars[Math.min(bars.length - 1, Math.floor(clamped * bars.length))];
    })
    .join('');
}
