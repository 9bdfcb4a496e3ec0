import { emptyMappedRecords, type MappedRecords, type PostureRecordMapper } from './map-posture-record.ts';
import { JsonArraySplitter, JsonStreamError, parseJsonElement } from './posture-json-stream.ts';
import { type QualysErrorElement, qualysErrorElement } from './qualys-error-element.ts';
import { decodeResponseBody } from './response-body.ts';

/** How far a body got, for the error that names where it stopped. Updated as the body is read. */
export interface BodyProgress {
  records: number;
  /** Characters of decoded text the splitter consumed. */
  characters: number;
  /** Bytes taken from the wire (compressed size when gzip). */
  wireBytes: number;
}

export interface MapPostureBodyOptions {
  policyId: string;
  label: string;
  mapper: PostureRecordMapper;
  subBatchSize: number;
  /** Hands a full sub-batch on; resolves once it has been queued. */
  emit: (records: MappedRecords) => Promise<void>;
  /** Called with Qualys' error envelope when the body holds one instead of records; must throw. */
  onErrorElement: (element: QualysErrorElement) => never;
}

/**
 * Decodes (gunzip when the bytes are gzip), splits, parses and maps one postureInfo body,
 * emitting full sub-batches as they fill and returning the last, partial one. Throws the raw
 * error (JSON, zlib, the body's own) with `progress` saying how far it got; the caller words it.
 * The same code runs on the main thread and in a posture worker (`posture-body-worker.ts`).
 */
export async function mapPostureBody(
  body: AsyncIterable<Buffer | Uint8Array | string>,
  options: MapPostureBodyOptions,
  progress: BodyProgress,
): Promise<MappedRecords> {
  const splitter = new JsonArraySplitter();
  let current = emptyMappedRecords();
  const position = () => `${options.label} record ${progress.records + 1}`;
  let decoded: Awaited<ReturnType<typeof decodeResponseBody>> | undefined;
  try {
    decoded = await decodeResponseBody(body);
    for await (const text of decoded.text) {
      for (const element of splitter.push(text)) {
        let record: unknown;
        try {
          record = parseJsonElement(element);
        } catch (error) {
          throw new JsonStreamError(
            'malformed',
            `record ${progress.records + 1} is not valid JSON (${(error as Error).message})`,
            splitter.offset,
            progress.records,
          );
        }
        if ((record as { id?: unknown } | null)?.id === undefined) {
          const errorElement = qualysErrorElement(record);
          if (errorElement) options.onErrorElement(errorElement);
        }
        options.mapper.map(record, options.policyId, current, position);
        progress.records++;
        if (current.violations.length + current.rejects.length >= options.subBatchSize) {
          const full = current;
          current = emptyMappedRecords();
          progress.characters = splitter.offset;
          progress.wireBytes = decoded.wireBytes();
          await options.emit(full);
        }
      }
    }
    splitter.end();
    return current;
  } catch (error) {
    // Issue 6: these records are dropped and the call is retried as a whole, so the hosts and
    // definitions first seen in them must be emitted again by the retry.
    options.mapper.forget(current);
    throw error;
  } finally {
    progress.characters = splitter.offset;
    progress.wireBytes = decoded?.wireBytes() ?? progress.wireBytes;
  }
}
