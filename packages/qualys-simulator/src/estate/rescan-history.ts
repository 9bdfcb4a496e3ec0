/** What `rescan` and `flipResults` changed: per host its rescans, per policy its newest evaluation. */
export class RescanHistory {
  /** Rescan times per host index, ascending. */
  private readonly rescans = new Map<number, number[]>();
  /** The flip share of each of those rescans (a `flipResults` round uses `flipRatio`). */
  private readonly ratios = new Map<number, number[]>();
  private readonly policyEvaluated = new Map<number, number>();

  rescansOf(hostIndex: number): readonly number[] | undefined {
    return this.rescans.get(hostIndex);
  }

  flipRatiosOf(hostIndex: number): readonly number[] | undefined {
    return this.ratios.get(hostIndex);
  }

  /** Records a rescan of the host and returns its generation (1 for the first rescan). */
  addRescan(hostIndex: number, atMs: number, flipRatio: number): number {
    const list = this.rescans.get(hostIndex) ?? [];
    list.push(atMs);
    this.rescans.set(hostIndex, list);
    const ratios = this.ratios.get(hostIndex) ?? [];
    ratios.push(flipRatio);
    this.ratios.set(hostIndex, ratios);
    return list.length;
  }

  policyEvaluatedMs(policyIndex: number): number | undefined {
    return this.policyEvaluated.get(policyIndex);
  }

  setPolicyEvaluatedMs(policyIndex: number, epochMs: number): void {
    this.policyEvaluated.set(policyIndex, epochMs);
  }
}
