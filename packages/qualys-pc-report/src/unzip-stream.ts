import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BadResponseError } from '@posturesync/core';
import yauzl from 'yauzl';
import { removeStaleSpools, spoolPrefix } from './stale-spools.ts';

/**
 * Zip-bomb limits (issue 13). A real Policy Report compresses 10-60x; deflate cannot exceed
 * about 1,030x, which is what a bomb uses. Both limits are checked against the sizes the zip
 * declares before inflating and again on the bytes actually inflated (yauzl also refuses an
 * entry that inflates past its declared size).
 */
export interface ZipLimits {
  /** Largest uncompressed report accepted (default 32 GiB). */
  maxUncompressedBytes: number;
  /** Largest uncompressed-to-compressed ratio accepted (default 400). */
  maxRatio: number;
}

export const defaultZipLimits: Readonly<ZipLimits> = Object.freeze({
  maxUncompressedBytes: 32 * 1024 ** 3,
  maxRatio: 400,
});

/** Below this many inflated bytes the ratio is not judged: tiny files compress oddly. */
const ratioFloorBytes = 16 * 1024 * 1024;

export const zipSignature = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

export interface UnzippedReport {
  stream: Readable;
  entryName: string;
  /** Removes the temporary file; safe to call more than once. */
  cleanup(): Promise<void>;
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: true }, (error, zipfile) => {
      if (error) reject(error);
      else resolve(zipfile);
    });
  });
}

function firstFileEntry(zipfile: yauzl.ZipFile): Promise<yauzl.Entry | null> {
  return new Promise((resolve, reject) => {
    const onEntry = (entry: yauzl.Entry) => {
      if (entry.fileName.endsWith('/')) {
        zipfile.readEntry();
        return;
      }
      cleanupListeners();
      resolve(entry);
    };
    const onEnd = () => {
      cleanupListeners();
      resolve(null);
    };
    const onError = (error: Error) => {
      cleanupListeners();
      reject(error);
    };
    const cleanupListeners = () => {
      zipfile.off('entry', onEntry);
      zipfile.off('end', onEnd);
      zipfile.off('error', onError);
    };
    zipfile.on('entry', onEntry);
    zipfile.on('end', onEnd);
    zipfile.on('error', onError);
    zipfile.readEntry();
  });
}

/**
 * Unzips the report's single file as a stream. The zip is first spooled to a temporary file
 * (its compressed size only) because the central directory at the end of a zip is the only
 * reliable index: zips written on the fly put entry sizes in trailing data descriptors, and
 * zip64 or stored entries cannot be delimited from local headers alone. yauzl then inflates
 * the entry as a stream, so memory stays flat. The file is removed by `cleanup()`.
 */
export async function unzipReport(
  body: Readable,
  reportId: string,
  limits: ZipLimits = defaultZipLimits,
): Promise<UnzippedReport> {
  // A process killed with SIGKILL cannot remove its spool: the next one does (issue 13).
  await removeStaleSpools(tmpdir());
  const directory = await mkdtemp(join(tmpdir(), spoolPrefix()));
  let removed = false;
  const cleanup = async () => {
    if (removed) return;
    removed = true;
    await rm(directory, { recursive: true, force: true });
  };
  try {
    const path = join(directory, `report-${reportId.replace(/[^\w-]/g, '_')}.zip`);
    await pipeline(body, createWriteStream(path));
    let zipfile: yauzl.ZipFile;
    try {
      zipfile = await openZip(path);
    } catch (error) {
      throw new BadResponseError(
        `Policy report ${reportId} arrived as a zip file that cannot be opened (${error instanceof Error ? error.message : String(error)}); it is probably truncated. Fetch it again.`,
        { cause: error, details: { reportId } },
      );
    }
    const entry = await firstFileEntry(zipfile);
    if (!entry) {
      zipfile.close();
      throw new BadResponseError(
        `Policy report ${reportId} arrived as an empty zip file. Re-run the report in Qualys.`,
        {
          details: { reportId },
        },
      );
    }
    const refusal = bombRefusal(entry.uncompressedSize, entry.compressedSize, limits);
    if (refusal) {
      zipfile.close();
      throw zipBombError(reportId, refusal, limits);
    }
    const inflated = await zipfile.openReadStreamPromise(entry);
    inflated.once('close', () => {
      zipfile.close();
    });
    const stream = inflated.pipe(inflationGuard(entry.compressedSize, limits, reportId));
    // yauzl refuses an entry that inflates past its declared size (a lying header): say what it is.
    inflated.once('error', (error) =>
      stream.destroy(
        error instanceof BadResponseError
          ? error
          : zipBombError(
              reportId,
              `the entry is broken or inflates past its declared size (${error.message})`,
              limits,
            ),
      ),
    );
    stream.once('close', () => {
      if (!inflated.destroyed) inflated.destroy();
    });
    return { stream, entryName: entry.fileName, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function bombRefusal(inflatedBytes: number, compressedBytes: number, limits: ZipLimits): string | null {
  if (inflatedBytes > limits.maxUncompressedBytes)
    return `it unpacks to more than ${limits.maxUncompressedBytes} bytes`;
  if (inflatedBytes > ratioFloorBytes && inflatedBytes > limits.maxRatio * Math.max(compressedBytes, 1))
    return `it unpacks to more than ${limits.maxRatio} times its compressed size`;
  return null;
}

function zipBombError(reportId: string, refusal: string, limits: ZipLimits): BadResponseError {
  return new BadResponseError(
    `Policy report ${reportId} arrived as a zip file that looks like a zip bomb: ${refusal}. No real report does; check the source of this file.`,
    { details: { reportId, reason: 'zip-bomb', ...limits } },
  );
}

/** Counts inflated bytes and refuses the entry the moment it passes a limit. */
function inflationGuard(compressedBytes: number, limits: ZipLimits, reportId: string): Transform {
  let inflated = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      inflated += chunk.length;
      const refusal = bombRefusal(inflated, compressedBytes, limits);
      if (refusal) callback(zipBombError(reportId, refusal, limits));
      else callback(null, chunk);
    },
  });
}
