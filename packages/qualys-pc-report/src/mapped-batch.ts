import type { Host, Policy, RejectedRecord, Violation, ViolationDefinition } from '@posturesync/core';

export interface ReportMapperOptions {
  sourceName: string;
  /** The configured network label attached to every host and finding. */
  network: string;
  /** Named in reject positions, e.g. `report 123 line 17`. */
  reportId: string;
  /**
   * The policy the report is known to cover (configured, launched, or its SUMMARY title looked
   * up), for a SUMMARY row without an ID (every real CSV) and for results of a file without SUMMARY.
   */
  fallbackPolicyId?: string | null;
}

export interface MappedBatch {
  hosts: Host[];
  policies: Policy[];
  definitions: ViolationDefinition[];
  violations: Violation[];
  rejects: RejectedRecord[];
  warnings: string[];
}
