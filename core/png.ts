import type { RgbFrame } from './detection';
import { concatBytes } from './bytes';

/**
 * A minimal PNG encoder for small RGB images (leak-check thumbnails): one IHDR, one IDAT, IEND,
 * no filtering. The host passes zlib's deflate (`node:zlib` `deflateSync` in main, a
 * CompressionStream elsewhere), so core stays free of Node APIs. And the reader of the header,
 * for checking what was written.
 */

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** zlib-format deflate (RFC 1950: header and Adler-32 included), as PNG's IDAT holds. */
export type Deflate = (data: Uint8Array) => Uint8Array;

let crcTable: Uint32Array | null = null;

/** CRC-32 (ISO 3309, the one PNG and zip use) of the bytes. */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** Encodes a packed RGB24 image as an 8-bit truecolour PNG. */
export function encodePng(image: RgbFrame, deflate: Deflate): Uint8Array {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || data.length !== width * height * 3) {
    throw new RangeError(`not a ${width}×${height} RGB image (${data.length} bytes)`);
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bits per channel
  header[9] = 2; // truecolour
  // Compression, filter method and interlace: 0 (the only defined methods; no interlace).
  const rowBytes = width * 3;
  const raw = new Uint8Array((rowBytes + 1) * height);
  for (let y = 0; y < height; y++) {
    // Each row starts with its filter type: 0 (none).
    raw.set(data.subarray(y * rowBytes, (y + 1) * rowBytes), y * (rowBytes + 1) + 1);
  }
  return concatBytes([Uint8Array.from(SIGNATURE), chunk('IHDR', header), chunk('IDAT', deflate(raw)), chunk('IEND', new Uint8Array(0))]);
}

/** Size and colour type from a PNG's header, or null when the bytes are not a PNG (signature, IHDR or its CRC wrong). */
export function readPngHeader(bytes: Uint8Array): { width: number; height: number; bitDepth: number; colourType: number } | null {
  if (bytes.length < 33 || SIGNATURE.some((b, i) => bytes[i] !== b)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(8) !== 13 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return null;
  if (view.getUint32(29) !== crc32(bytes.subarray(12, 29))) return null;
  return { width: view.getUint32(16), height: view.getUint32(20), bitDepth: bytes[24], colourType: bytes[25] };
}
