import type { MappedBatch } from './map-report.ts';

/**
 * Rejects and warnings already passed on by an earlier attempt of the same report: the engine
 * stores each one as a quarantine row and a run warning, so a retried report must not repeat them.
 * Records (hosts, definitions, violations) are upserts and are passed on again.
 */
export class ReportedAcrossAttempts {
  readonly #earlier = new Set<string>();
  #current = new Set<string>();

  nextAttempt(): void {
    for (const key of this.#current) this.#earlier.add(key);
    this.#current = new Set();
  }

  #fresh(key: string): boolean {
    this.#current.add(key);
    return !this.#earlier.has(key);
  }

  filter(mapped: MappedBatch): MappedBatch {
    return {
      ...mapped,
      rejects: mapped.rejects.filter((reject) =>
        this.#fresh(`reject\u0000${reject.entity}\u0000${reject.position}\u0000${reject.reason}`),
      ),
      warnings: mapped.warnings.filter((warning) => this.#fresh(`warning\u0000${warning}`)),
    };
  }
}
