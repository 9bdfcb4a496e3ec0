/**
 * A fixed-width text bar, e.g. `[██████░░░░░░░░░░░░░░]` for 30%. `done` beyond `total` (a
 * source that under-announced its work) shows a full bar rather than overflowing the line.
 */
export function progressBar(done: number, total: number, width = 20): string {
  const ratio = total > 0 ? Math.min(1, Math.max(0, done / total)) : done > 0 ? 1 : 0;
  const filled = Math.floor(ratio * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
}

/** `40%`, whole percents; 100% only once everything is done, never from rounding up 99.6%. */
export function progressPercent(done: number, total: number): string {
  if (total <= 0) return done > 0 ? '100%' : '0%';
  return `${Math.min(100, Math.floor((done / total) * 100))}%`;
}
