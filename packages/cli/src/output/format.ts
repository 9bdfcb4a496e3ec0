const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatCount(value: number): string {
  return integer.format(value);
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds % 60);
  if (minutes < 60) return `${minutes}m${String(rest).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

/** `2025-01-31 12:00:05Z (3m ago)`: absolute for logs and screenshots, relative for humans. */
export function formatWhen(iso: string | null, now: Date): string {
  if (!iso) return '-';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const absolute = `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
  const ago = now.getTime() - date.getTime();
  if (ago < 0) return absolute;
  if (ago < 1000) return `${absolute} (just now)`;
  return `${absolute} (${formatDuration(ago).replace(/\.\d/, '')} ago)`;
}

export function durationBetween(start: string | null, end: string | null): number | null {
  if (!start || !end) return null;
  const ms = new Date(end).getTime() - new Date(start).getTime();
  return Number.isFinite(ms) ? ms : null;
}

/** `2.5/s` below ten, `250/s` above: a rate of a few requests a second still reads as moving. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return '0';
  return perSecond < 10 ? perSecond.toFixed(1) : formatCount(perSecond);
}
