import { describe, expect, it } from 'vitest';
import { anonymiseYuvFrame, yuvFrameSize, type YuvLayout } from '../../core/anonymise';
import { createYuvAnonymiser } from '../../core/anonymiseKernel';
import { ANONYMISE_KERNEL_WASM } from '../../core/anonymiseKernelWasm';
import type { RenderRegion } from '../../core/renderPlan';
import { seededRandom } from '../../bench/assurance/draw';
import { compileKernel } from '../../scripts/build-wasm';

const LAYOUTS: YuvLayout[] = [
  { chroma: '420', bitDepth: 8 },
  { chroma: '422', bitDepth: 8 },
  { chroma: '420', bitDepth: 10 },
  { chroma: '422', bitDepth: 10 },
];

/** A frame of detail: noise over gradients, every sample in range for its depth. */
function detailedFrame(layout: YuvLayout, width: number, height: number, random: () => number): Uint8Array {
  const frame = new Uint8Array(yuvFrameSize(layout, width, height));
  if (layout.bitDepth === 8) {
    for (let i = 0; i < frame.length; i++) frame[i] = Math.floor(((i % width) / width) * 128 + random() * 127);
  } else {
    const samples = new Uint16Array(frame.buffer);
    for (let i = 0; i < samples.length; i++) samples[i] = Math.floor(((i % width) / width) * 512 + random() * 511);
  }
  return frame;
}

/** Regions of every type and shape, of any size and radius, some past the frame's edges, some overlapping. */
function randomRegions(width: number, height: number, random: () => number): RenderRegion[] {
  return Array.from({ length: 1 + Math.floor(random() * 4) }, (_, i) => {
    const w = 2 + Math.floor(random() * width * 0.6);
    const h = 2 + Math.floor(random() * height * 0.6);
    return {
      trackId: `t${i}`,
      type: (['gaussian', 'pixelate', 'solid'] as const)[Math.floor(random() * 3)],
      shape: random() < 0.5 ? 'ellipse' : 'rect',
      box: { x: Math.floor(random() * (width + w)) - w / 2, y: Math.floor(random() * (height + h)) - h / 2, width: w, height: h },
      radius: random() < 0.2 ? 1 + Math.floor(random() * 7) : 2 * Math.round(1 + random() * 30),
      feather: random() < 0.3 ? 0 : Math.round(random() * 0.3 * Math.min(w, h)),
    };
  });
}

describe('the WebAssembly blur kernel', () => {
  it('is what wasm/anonymise.ts compiles to (run npm run build:wasm after changing it)', async () => {
    expect(Buffer.from(await compileKernel()).toString('base64')).toBe(ANONYMISE_KERNEL_WASM);
  }, 60_000);

  it('writes byte for byte what the JavaScript writes: every style, shape and layout, odd sizes, regions past the edges', () => {
    const anonymise = createYuvAnonymiser();
    const random = seededRandom(12);
    let changed = 0;
    for (const layout of LAYOUTS) {
      for (const [width, height] of [[320, 180], [333, 199], [64, 48]]) {
        for (let n = 0; n < 12; n++) {
          const frame = detailedFrame(layout, width, height, random);
          const regions = randomRegions(width, height, random);
          const byJs = frame.slice();
          const byKernel = frame.slice();
          anonymiseYuvFrame(byJs, layout, width, height, regions);
          anonymise(byKernel, layout, width, height, regions);
          const first = byKernel.findIndex((v, i) => v !== byJs[i]);
          expect(first, `${layout.chroma} ${layout.bitDepth}-bit ${width}x${height}: ${JSON.stringify(regions)}`).toBe(-1);
          if (byKernel.some((v, i) => v !== frame[i])) changed++;
        }
      }
    }
    // The comparison means something only if the regions changed the pictures.
    expect(changed).toBeGreaterThan(100);
  });

  it('leaves a frame with no regions as it is', () => {
    const frame = detailedFrame(LAYOUTS[0], 64, 48, seededRandom(3));
    const before = frame.slice();
    createYuvAnonymiser()(frame, LAYOUTS[0], 64, 48, []);
    expect(frame).toEqual(before);
  });
});
