import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BadResponseError } from '@posturesync/core';
import yauzl from 'yauzl';

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
export async function unzipReport(body: Readable, reportId: string): Promise<UnzippedReport> {
  const directory = await mkdtemp(join(tmpdir(), 'posturesync-report-'));
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
    const stream = await zipfile.openReadStreamPromise(entry);
    stream.once('close', () => {
      zipfile.close();
    });
    return { stream, entryName: entry.fileName, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
