/** A sample of stored violation rows: the bare-insert floor replays them. */
export interface RowSample {
  columns: string[];
  rows: unknown[][];
}

/** Average characters per row over all columns (NULL counts as 0). */
export function averageRowBytes(sample: RowSample): number {
  if (sample.rows.length === 0) return 0;
  let total = 0;
  for (const row of sample.rows) for (const value of row) total += value === null ? 0 : String(value).length;
  return total / sample.rows.length;
}

/**
 * Row `index` of an insert of arbitrary length built from the sample: the sample rows in turn,
 * with a unique `uid` so the rows are distinct like real ones.
 */
export function syntheticRow(sample: RowSample, uidColumn: number, index: number): unknown[] {
  const base = sample.rows[index % sample.rows.length] ?? [];
  if (uidColumn < 0) return base;
  const row = [...base];
  row[uidColumn] = `${index}`;
  return row;
}
