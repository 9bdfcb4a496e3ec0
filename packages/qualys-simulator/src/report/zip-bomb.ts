import { constants, deflateRawSync } from 'node:zlib';

export interface ZipBombOptions {
  /** Uncompressed bytes the entry really inflates to, in 64 MiB steps (default 2 GiB). */
  inflatedBytes?: number;
  /** Uncompressed size written in the headers; default the truth. A smaller one is a lying header. */
  declaredBytes?: number;
  entryName?: string;
  /** Text the entry starts with (e.g. an XML head), before the filler. */
  prefix?: string;
  /** The filler byte (default 0x78, `x`: a text node once inside an element). */
  fill?: number;
}

const segmentBytes = 64 * 1024 * 1024;

/**
 * A hostile zip for tests (issue 13): one entry of one repeated byte at deflate's maximum ratio (~1,030x),
 * so 2 GiB of output fit in about 2 MB. Built without compressing gigabytes: one 64 MiB segment
 * of the filler is deflated once with a full flush (byte-aligned, no back-references across it), and
 * that block is repeated, then closed with an empty final block. The CRC is not computed (zero):
 * a reader that checks it fails only after inflating everything, which is what a bomb exploits.
 */
export function buildZipBomb(options: ZipBombOptions = {}): Buffer {
  const inflated = options.inflatedBytes ?? 2 * 1024 ** 3;
  const segments = Math.max(1, Math.round(inflated / segmentBytes));
  const flush = { level: 9, finishFlush: constants.Z_FULL_FLUSH };
  const block = deflateRawSync(Buffer.alloc(segmentBytes, options.fill ?? 0x78), flush);
  const prefix = Buffer.from(options.prefix ?? '');
  const head = prefix.length > 0 ? [deflateRawSync(prefix, flush)] : [];
  const finalBlock = Buffer.from([0x03, 0x00]);
  const data = Buffer.concat([...head, ...Array.from({ length: segments }, () => block), finalBlock]);
  const trueSize = prefix.length + segments * segmentBytes;
  const declared = Math.min(options.declaredBytes ?? trueSize, 0xffffffff);
  const name = Buffer.from(options.entryName ?? 'report.xml');

  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(0, 6);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(0, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(declared, 22);
  local.writeUInt16LE(name.length, 26);

  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(0, 8);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(0, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(declared, 24);
  central.writeUInt16LE(name.length, 28);
  central.writeUInt32LE(0, 42);

  const centralOffset = local.length + name.length + data.length;
  const centralSize = central.length + name.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}
