import { inflateRawSync } from 'node:zlib';

export interface ZipFileEntry {
  readonly name: string;
  readonly method: number;
  readonly crc: number;
  readonly data: Buffer;
}

/**
 * Reads a ZIP the way an unzipper does, checking what Teams' importer relies on: the end of central
 * directory record, every central directory entry, its local header (same name, method, CRC and
 * sizes), the data (stored or deflated) and its CRC-32.
 */
export function unzip(file: Buffer, crc32: (b: Buffer) => number): ZipFileEntry[] {
  const eocd = file.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0 || eocd + 22 > file.length) throw new Error('no end of central directory record');
  const count = file.readUInt16LE(eocd + 10);
  if (file.readUInt16LE(eocd + 8) !== count) throw new Error('multi-disk archive');
  const size = file.readUInt32LE(eocd + 12);
  const offset = file.readUInt32LE(eocd + 16);
  const comment = file.readUInt16LE(eocd + 20);
  if (offset + size !== eocd) throw new Error('central directory does not end at the EOCD record');
  if (eocd + 22 + comment !== file.length) throw new Error('bytes after the EOCD record');

  const entries: ZipFileEntry[] = [];
  let pos = offset;
  for (let i = 0; i < count; i++) {
    if (file.readUInt32LE(pos) !== 0x02014b50) throw new Error(`central entry ${i}: bad signature`);
    const flags = file.readUInt16LE(pos + 8);
    const method = file.readUInt16LE(pos + 10);
    const crc = file.readUInt32LE(pos + 16);
    const compressed = file.readUInt32LE(pos + 20);
    const uncompressed = file.readUInt32LE(pos + 24);
    const nameLength = file.readUInt16LE(pos + 28);
    const extra = file.readUInt16LE(pos + 30);
    const commentLength = file.readUInt16LE(pos + 32);
    const local = file.readUInt32LE(pos + 42);
    const name = file.subarray(pos + 46, pos + 46 + nameLength).toString('utf8');
    pos += 46 + nameLength + extra + commentLength;

    if (flags & 0x0009) throw new Error(`${name}: encrypted or with a data descriptor`);
    if (file.readUInt32LE(local) !== 0x04034b50) throw new Error(`${name}: bad local header signature`);
    const localName = file.subarray(local + 30, local + 30 + file.readUInt16LE(local + 26)).toString('utf8');
    if (localName !== name) throw new Error(`${name}: local header names ${localName}`);
    if (
      file.readUInt16LE(local + 8) !== method ||
      file.readUInt32LE(local + 14) !== crc ||
      file.readUInt32LE(local + 18) !== compressed ||
      file.readUInt32LE(local + 22) !== uncompressed
    ) {
      throw new Error(`${name}: local header differs from the central directory`);
    }
    const start = local + 30 + file.readUInt16LE(local + 26) + file.readUInt16LE(local + 28);
    const body = file.subarray(start, start + compressed);
    let data: Buffer;
    if (method === 0) data = Buffer.from(body);
    else if (method === 8) data = inflateRawSync(body);
    else throw new Error(`${name}: compression method ${method}`);
    if (data.length !== uncompressed)
      throw new Error(`${name}: ${data.length} bytes, expected ${uncompressed}`);
    if (crc32(data) !== crc) throw new Error(`${name}: CRC-32 mismatch`);
    entries.push({ name, method, crc, data });
  }
  if (pos !== eocd) throw new Error('central directory size does not match its entries');
  return entries;
}
