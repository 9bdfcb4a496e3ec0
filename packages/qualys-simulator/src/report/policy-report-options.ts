export interface PolicyReportGenerateOptions {
  /** Generation time in the header. Default: the estate's reference date. */
  generatedAt?: Date;
  /** Fault injection: a broken row/element, or one result with a wrong-typed CID and an unparsable date. */
  fault?: 'malformed' | 'malformedRecord';
  /** Approximate size of yielded string chunks. Default 64 KiB. */
  chunkSize?: number;
}
