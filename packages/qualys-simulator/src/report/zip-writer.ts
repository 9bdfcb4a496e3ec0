import { once } from 'node:events';
import { crc32, createDeflateRaw } from 'node:zlib';

const encoder = new TextEncoder();

function dosDateTime(date: Date): { time: number; day: number } {
  return {
    time: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2),
    day: ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  };
}

/**
 * Streams a zip archive holding one deflated entry. Sizes and CRC follow the data in a
 * data descriptor (general purpose bit 3), so the entry never has to be held in memory.
 * No zip64: entries must stay below 4 GiB.
 */
export async function* zipSingleEntry(
  entryName: string,
  source: AsyncIterable<string | Uint8Array>,
  modified: Date = new Date('2024-05-01T06:00:00Z'),
): AsyncGenerator<Uint8Array> {
  const name = encoder.encode(entryName);
  const { time, day } = dosDateTime(modified);
  const flags = 0x0808; // data descriptor + UTF-8 names
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(flags, 6);
  local.writeUInt16LE(8, 8);
  local.writeUInt16LE(time, 10);
  local.writeUInt16LE(day, 12);
  local.writeUInt16LE(name.length, 26);
  yield local;
  yield name;

  let crc = 0;
  let size = 0;
  let compressedSize = 0;
  const deflater = createDeflateRaw();
  const feeding = (async () => {
    try {
      for await (const chunk of source) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
        crc = crc32(bytes, crc);
        size += bytes.length;
        if (!deflater.write(bytes)) await once(deflater, 'drain');
      }
      deflater.end();
    } catch (error) {
      deflater.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  })();
  try {
    for await (const out of deflater as AsyncIterable<Buffer>) {
      compressedSize += out.length;
      yield out;
    }
  } finally {
    deflater.destroy();
  }
  await feeding;
  if (size >= 0xffffffff || compressedSize >= 0xffffffff) {
    throw new RangeError(
      `Zip entry ${entryName} exceeds 4 GiB, which needs zip64 (not supported by the simulator).`,
    );
  }

  const descriptor = Buffer.alloc(16);
  descriptor.writeUInt32LE(0x08074b50, 0);
  descriptor.writeUInt32LE(crc, 4);
  descriptor.writeUInt32LE(compressedSize, 8);
  descriptor.writeUInt32LE(size, 12);
  yield descriptor;

  const centralOffset = 30 + name.length + compressedSize + 16;
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(flags, 8);
  central.writeUInt16LE(8, 10);
  central.writeUInt16LE(time, 12);
  central.writeUInt16LE(day, 14);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(compressedSize, 20);
  central.writeUInt32LE(size, 24);
  central.writeUInt16LE(name.length, 28);
  central.writeUInt32LE(0, 42);
  yield central;
  yield name;

  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + name.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  yield end;
}
