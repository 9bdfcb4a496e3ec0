import { cleanValue, type FieldValues, type ReportPosition, type ResultField } from './report-records.ts';

/**
 * The open elements of the XML parser (`xml-report-parser.ts`) and how fields are collected into
 * them and read back out: a record's leaves and sub-elements become its fields by path.
 */

type FieldValue = string | string[];

export type Role =
  | 'header'
  | 'summary'
  | 'policy'
  | 'control'
  | 'host'
  | 'hostTags'
  | 'resultHost'
  | 'resultControl'
  /** Inside a record: leaves and sub-elements are collected into the enclosing frame. */
  | 'collect'
  /** Structure or unknown: nothing is kept. */
  | 'pass';

export interface Frame {
  name: string;
  role: Role;
  /** Created on the first field: most elements are leaves without attributes. */
  fields: Map<string, FieldValue> | null;
  text: string;
  hasChildren: boolean;
  /** Only record frames carry one (it names the record); collected and skipped elements need none. */
  position: ReportPosition | null;
  /** Results emitted below this frame (a host with no controls still yields its host). */
  results: number;
  emittedPolicy: boolean;
}

/** Controls whose fields describe the host, the control or the result itself. */
export const hostSideFields = new Set<ResultField>([
  'ip',
  'dns',
  'netbios',
  'trackingMethod',
  'os',
  'network',
  'lastScanDate',
  'sourceHostId',
  'hostId',
]);
export const controlSideFields = new Set<ResultField>([
  'controlId',
  'controlReferences',
  'statement',
  'criticalityLabel',
  'criticalityValue',
  'rationale',
  'remediation',
  'deprecated',
]);

export function addField(frame: Frame, key: string, value: string): void {
  if (frame.fields === null) {
    frame.fields = new Map([[key, value]]);
    return;
  }
  const existing = frame.fields.get(key);
  if (existing === undefined) frame.fields.set(key, value);
  else if (Array.isArray(existing)) existing.push(value);
  else frame.fields.set(key, [existing, value]);
}

export function firstValue(frame: Frame | undefined, paths: readonly string[]): string | null | undefined {
  if (!frame?.fields) return undefined;
  for (const path of paths) {
    const value = frame.fields.get(path);
    if (value === undefined) continue;
    return cleanValue(Array.isArray(value) ? value[0] : value);
  }
  return undefined;
}

export function listValue(frames: ReadonlyArray<Frame | undefined>, paths: readonly string[]): string[] {
  for (const frame of frames) {
    if (!frame?.fields) continue;
    for (const path of paths) {
      const value = frame.fields.get(path);
      if (value === undefined) continue;
      const list = (Array.isArray(value) ? value : [value]).map((item) => item.trim()).filter(Boolean);
      if (list.length > 0) return list;
    }
  }
  return [];
}

export function read<K extends string>(
  names: readonly K[],
  table: { readonly [P in K]: readonly string[] },
  frame: Frame,
): FieldValues<K> {
  const values = {} as FieldValues<K>;
  for (const name of names) values[name] = firstValue(frame, table[name]) ?? null;
  return values;
}
