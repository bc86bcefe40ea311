import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { REPO_ROOT } from '../electron/main/media/binaries';

/**
 * Draws the app icon (a head and shoulders whose face is a mosaic: what Blurline does to faces)
 * and writes the files electron-builder wants: build/icon.png, build/icons/<n>x<n>.png (Linux),
 * build/icon.ico (Windows) and build/icon.icns (macOS), both holding PNG images, which every
 * Windows since Vista and macOS since 10.7 read. Run with `tsx scripts/make-icons.ts`; the
 * results are committed.
 */

type Rgba = [number, number, number, number];

const BACKGROUND: Rgba = [20, 24, 33, 255];
const FIGURE: Rgba = [226, 232, 240, 255];
const MOSAIC: Rgba[] = [
  [45, 212, 191, 255],
  [20, 184, 166, 255],
  [94, 234, 212, 255],
  [13, 148, 136, 255],
];

/** The colour at (x, y) in a unit square (0..1), or null where the icon is transparent. */
function shade(x: number, y: number): Rgba | null {
  // Rounded square background (macOS-style margin of 6 %).
  const m = 0.06;
  const r = 0.2;
  const cx = Math.min(Math.max(x, m + r), 1 - m - r);
  const cy = Math.min(Math.max(y, m + r), 1 - m - r);
  if ((x - cx) ** 2 + (y - cy) ** 2 > r * r) return null;
  // Shoulders: the top half of an ellipse at the bottom.
  if (((x - 0.5) / 0.3) ** 2 + ((y - 0.9) / 0.22) ** 2 <= 1 && y <= 1 - m) return FIGURE;
  // Head: a circle drawn as a mosaic of squares.
  if ((x - 0.5) ** 2 + (y - 0.42) ** 2 <= 0.2 ** 2) {
    const cell = 0.08;
    const i = Math.floor((x - 0.3) / cell);
    const j = Math.floor((y - 0.22) / cell);
    return MOSAIC[(i * 3 + j * 5 + i * j) % MOSAIC.length];
  }
  return BACKGROUND;
}

/** RGBA pixels, 4×4 supersampled for smooth edges. */
export function drawIcon(size: number): Buffer {
  const pixels = Buffer.alloc(size * size * 4);
  const samples = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const c = shade((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size);
          if (!c) continue;
          // Premultiplied, so transparent samples do not darken edges.
          for (let k = 0; k < 3; k++) sum[k] += (c[k] * c[3]) / 255;
          sum[3] += c[3];
        }
      }
      const n = samples * samples;
      const alpha = sum[3] / n;
      const o = (py * size + px) * 4;
      for (let k = 0; k < 3; k++) pixels[o + k] = alpha ? Math.round(((sum[k] / n) * 255) / alpha) : 0;
      pixels[o + 3] = Math.round(alpha);
    }
  }
  return pixels;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An 8-bit RGBA PNG. */
export function encodePng(size: number, rgba: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  // Each row starts with filter type 0 (none).
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** An .ico holding PNG images (size byte 0 means 256). */
export function encodeIco(images: { size: number; png: Buffer }[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, png }) => {
    const entry = Buffer.alloc(16);
    entry[0] = size >= 256 ? 0 : size;
    entry[1] = size >= 256 ? 0 : size;
    entry.writeUInt16LE(1, 4);
    entry.writeUInt16LE(32, 6);
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)]);
}

/** ICNS element types that hold PNG data, by pixel size. */
const ICNS_TYPES: Record<number, string> = { 256: 'ic08', 512: 'ic09', 1024: 'ic10' };

export function encodeIcns(images: { size: number; png: Buffer }[]): Buffer {
  const elements = images.map(({ size, png }) => {
    const head = Buffer.alloc(8);
    head.write(ICNS_TYPES[size], 0, 'latin1');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + elements.reduce((n, e) => n + e.length, 0), 4);
  return Buffer.concat([head, ...elements]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const build = path.join(REPO_ROOT, 'build');
  mkdirSync(path.join(build, 'icons'), { recursive: true });
  const images = [256, 512, 1024].map((size) => ({ size, png: encodePng(size, drawIcon(size)) }));
  const png = (size: number) => images.find((i) => i.size === size)!.png;
  writeFileSync(path.join(build, 'icon.png'), png(512));
  for (const size of [256, 512]) writeFileSync(path.join(build, 'icons', `${size}x${size}.png`), png(size));
  writeFileSync(path.join(build, 'icon.ico'), encodeIco([{ size: 256, png: png(256) }]));
  writeFileSync(path.join(build, 'icon.icns'), encodeIcns(images));
}
