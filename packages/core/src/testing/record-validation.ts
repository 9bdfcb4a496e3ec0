import type { RecordBatch } from '../connector/connector.ts';
import { type EntityName, entityNames, entitySchemas } from '../model/records.ts';

/** Problems that make a batch unusable by the engine; empty when the batch is valid. */
export function batchProblems(batch: RecordBatch, sourceName: string, index: number): string[] {
  const problems: string[] = [];
  const where = `batch ${index} (${batch.stream || '?'} @ ${batch.position || '?'})`;
  if (typeof batch.stream !== 'string' || batch.stream.trim() === '')
    problems.push(`${where}: stream is empty`);
  if (typeof batch.position !== 'string' || batch.position.trim() === '') {
    problems.push(`${where}: position is empty`);
  }
  for (const entity of entityNames) {
    const records: readonly unknown[] = batch[entity] ?? [];
    records.forEach((record, recordIndex) => {
      const parsed = entitySchemas[entity].safeParse(record);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
        problems.push(
          `${where}: ${entity}[${recordIndex}] is not a valid model record: ${issues.join('; ')}`,
        );
      } else if (parsed.data.sourceName !== sourceName) {
        problems.push(
          `${where}: ${entity}[${recordIndex}].sourceName is "${parsed.data.sourceName}", expected "${sourceName}"`,
        );
      }
    });
  }
  if (batch.checkpoint !== undefined) {
    const problem = jsonRoundTripProblem(batch.checkpoint);
    if (problem) problems.push(`${where}: checkpoint is not JSON-serialisable: ${problem}`);
  }
  for (const reject of batch.rejects ?? []) {
    if (!entityNames.includes(reject.entity as EntityName) || !reject.reason || !reject.position) {
      problems.push(`${where}: a reject needs an entity (${entityNames.join('/')}), a position and a reason`);
    }
  }
  return problems;
}

/** Whether a value survives JSON.stringify/parse unchanged (no Dates, Maps, bigints, undefined, cycles). */
export function jsonRoundTripProblem(value: unknown): string | null {
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return isDeepEqual(JSON.parse(text), value) ? null : 'it changes through JSON.stringify/JSON.parse';
}

function isDeepEqual(left: unknown, right: unknown): boolean {
  if (Object.is(left, right)) return true;
  if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null) return false;
  if (Array.isArray(left) !== Array.isArray(right)) return false;
  if (Object.getPrototypeOf(right) !== Object.prototype && !Array.isArray(right)) return false;
  const leftKeys = Object.keys(left);
  const rightEntries = Object.entries(right).filter(
    ([, inner]) => inner !== undefined || Array.isArray(right),
  );
  if (leftKeys.length !== rightEntries.length) return false;
  return rightEntries.every(([key, inner]) => isDeepEqual((left as Record<string, unknown>)[key], inner));
}

export function countRecords(batches: readonly RecordBatch[]): Record<EntityName, number> {
  const counts = { hosts: 0, policies: 0, definitions: 0, violations: 0 };
  for (const batch of batches) {
    for (const entity of entityNames) counts[entity] += batch[entity]?.length ?? 0;
  }
  return counts;
}
