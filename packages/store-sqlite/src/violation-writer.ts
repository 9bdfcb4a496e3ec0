import type { Violation } from '@posturesync/core';
import type Database from 'better-sqlite3';

/** What every finding of one batch shares, bound by name once per statement. */
export interface BatchConstants {
  instance: string;
  run: number;
  generation: number;
  now: string;
}

type Values = Array<string | number | null>;

const violationColumns = [
  'host_uid',
  'policy_uid',
  'definition_uid',
  'control_id',
  'technology_id',
  'instance',
  'status',
  'previous_status',
  'status_category',
  'first_failed',
  'last_failed',
  'first_passed',
  'last_passed',
  'last_evaluated',
  'source_last_modified',
  'expected_value',
  'actual_value',
  'evidence',
  'cause_of_failure',
  'exception',
  'network',
  'raw',
] as const;

/** Columns with an index of their own (`idx_violations_host`, `idx_violations_definition`). */
const indexedKeys: readonly string[] = ['host_uid', 'definition_uid'];

/**
 * Findings per statement, largest first. One statement execution costs about as much as
 * binding several rows (the call into better-sqlite3, reset, and the ephemeral tables SQLite
 * builds once per execution for the CHECK constraints' IN lists), so most rows go 128 to a
 * statement (24 x 128 + 4 parameters, far below SQLite's limit of 32766), the rest 16 or one.
 */
const statementSizes = [128, 16] as const;

/** JSON text for nullable nested values; `undefined` and `null` both become SQL NULL. */
function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/**
 * `INSERT ... VALUES (...) x rows ... ON CONFLICT (connector_instance, uid) DO UPDATE`, keeping
 * first_seen_run_id. With `keepKeys` the update leaves the indexed key columns alone and applies
 * only where they already hold the incoming values (see `ViolationWriter`).
 */
function upsertSql(rows: number, keepKeys: boolean): string {
  const row = `(@instance, ?, ?, @run, @run, @generation, @now, ${violationColumns.map(() => '?').join(', ')})`;
  const updated = [
    'source_name',
    'last_seen_run_id',
    'last_seen_generation',
    'updated_at',
    ...violationColumns,
  ];
  const updates = updated
    .filter((column) => !keepKeys || !indexedKeys.includes(column))
    .map((column) => `${column} = excluded.${column}`)
    // A finding seen again is live again: clear any earlier absent-from-sync closing.
    .concat(['closed_at = NULL', 'closed_reason = NULL', 'closed_run_id = NULL', 'stale = 0']);
  const guard = keepKeys
    ? `\nWHERE ${indexedKeys.map((column) => `violations.${column} IS excluded.${column}`).join(' AND ')}`
    : '';
  return `INSERT INTO violations (connector_instance, uid, source_name, first_seen_run_id, last_seen_run_id,
  last_seen_generation, updated_at, ${violationColumns.join(', ')})
VALUES ${Array.from({ length: rows }, () => row).join(',\n')}
ON CONFLICT (connector_instance, uid) DO UPDATE SET ${updates.join(', ')}${guard}`;
}

function pushValues(values: Values, violation: Violation): void {
  values.push(
    violation.uid,
    violation.sourceName,
    violation.hostUid,
    violation.policyUid,
    violation.definitionUid,
    violation.controlId,
    violation.technologyId,
    violation.instance,
    violation.status,
    violation.previousStatus,
    violation.statusCategory,
    violation.firstFailed,
    violation.lastFailed,
    violation.firstPassed,
    violation.lastPassed,
    violation.lastEvaluated,
    violation.sourceLastModified,
    violation.expectedValue,
    violation.actualValue,
    jsonOrNull(violation.evidence),
    jsonOrNull(violation.causeOfFailure),
    jsonOrNull(violation.exception),
    violation.network,
    JSON.stringify(violation.raw),
  );
}

/**
 * Upserts findings (issue 18: the store's share of a sync's main thread). Two measured savings,
 * neither changing a stored value:
 *
 * - Many findings per statement (`statementSizes`), the batch's run, generation and time bound
 *   once by name: about 15-20% of the upsert's CPU on a first sync.
 * - On an update the indexed key columns (host, definition) are left out of the SET list:
 *   SQLite rewrites the entries of every index on a column an UPDATE assigns, even to the same
 *   value, so an unchanged re-sync paid two index deletes and inserts per finding. A source
 *   derives a finding's uid from its host and definition, so they never differ in practice; when
 *   they do, the statement's WHERE leaves that finding unwritten, the statement reports fewer
 *   changes than rows, and its findings are written again one by one, a finding whose keys
 *   differ with the statement that assigns every column. Rewriting a row with the values it was
 *   just given changes nothing, so the result is that of one full upsert per finding, in order.
 */
export class ViolationWriter {
  /** [size, statement] pairs, largest first; `#single` writes what is left. */
  readonly #keepingKeys: ReadonlyArray<readonly [number, Database.Statement<[BatchConstants, Values]>]>;
  readonly #single: Database.Statement<[BatchConstants, Values]>;
  readonly #full: Database.Statement<[BatchConstants, Values]>;

  constructor(db: Database.Database) {
    this.#keepingKeys = statementSizes.map((size) => [size, db.prepare(upsertSql(size, true))] as const);
    this.#single = db.prepare(upsertSql(1, true));
    this.#full = db.prepare(upsertSql(1, false));
  }

  /** Must run inside a transaction. */
  write(constants: BatchConstants, violations: readonly Violation[]): void {
    let start = 0;
    for (const [size, statement] of this.#keepingKeys) {
      for (; start + size <= violations.length; start += size) {
        const values: Values = [];
        for (let index = start; index < start + size; index++) {
          pushValues(values, violations[index] as Violation);
        }
        if (statement.run(constants, values).changes === size) continue;
        for (let index = start; index < start + size; index++) {
          this.#writeOne(constants, violations[index] as Violation);
        }
      }
    }
    for (; start < violations.length; start++) this.#writeOne(constants, violations[start] as Violation);
  }

  #writeOne(constants: BatchConstants, violation: Violation): void {
    const values: Values = [];
    pushValues(values, violation);
    if (this.#single.run(constants, values).changes === 0) this.#full.run(constants, values);
  }
}
