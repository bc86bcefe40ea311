import { LITTLE_ENDIAN, wholeRadii, yuvPlaneRegions, yuvPlanes, type PlaneRegion, type YuvLayout } from './anonymise';
import { ANONYMISE_KERNEL_WASM } from './anonymiseKernelWasm';
import type { RenderRegion } from './renderPlan';

interface KernelExports {
  memory: { buffer: ArrayBuffer };
  frameAt(bytes: number): number;
  anonymise8: KernelCall;
  anonymise16: KernelCall;
}

type KernelCall = (
  plane: number, width: number, height: number, type: number, ellipse: number,
  x: number, y: number, w: number, h: number, rx: number, ry: number, kx: number, ky: number, feather: number, fill: number,
) => void;

/** The little of the WebAssembly API used here (core's lib has no WebAssembly types; Node and browsers have it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, () => void>>) => { exports: unknown };
}

const TYPE_CODES: Record<PlaneRegion['type'], number> = { gaussian: 0, pixelate: 1, solid: 2 };

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * `anonymiseYuvFrame` in WebAssembly: the same bytes out, several times faster. Each anonymiser
 * owns one kernel instance (its memory holds one frame at a time), so one per render.
 */
export function createYuvAnonymiser(): (frame: Uint8Array, layout: YuvLayout, width: number, height: number, regions: readonly RenderRegion[]) => void {
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const kernel = new wasm.Instance(new wasm.Module(decodeBase64(ANONYMISE_KERNEL_WASM)), {
    env: {
      abort: () => {
        throw new Error('the blur kernel stopped');
      },
    },
  }).exports as unknown as KernelExports;
  return (frame, layout, width, height, regions) => {
    if (regions.length === 0) return;
    const wide = layout.bitDepth > 8;
    if (wide && !LITTLE_ENDIAN) throw new Error('16-bit frames need a little-endian host');
    const at = kernel.frameAt(frame.length);
    // A view on the kernel's frame (made again after the calls: growing memory for scratch detaches the old one).
    const kernelFrame = () => new Uint8Array(kernel.memory.buffer, at, frame.length);
    const call = wide ? kernel.anonymise16 : kernel.anonymise8;
    const bytesPerSample = wide ? 2 : 1;
    const planes = yuvPlanes(layout, width, height);
    const perPlane = regions.map((region) => {
      const { luma, chroma } = yuvPlaneRegions(layout, region);
      return [luma, chroma, chroma];
    });
    // Only the rows a region can read or write are copied in, worked on in the kernel's memory, and copied back.
    const bands = planes.map((plane, k) => {
      let first = plane.height;
      let end = 0;
      for (const r of perPlane.map((p) => p[k])) {
        const reach = r.feather + 4 * wholeRadii(r).ry;
        first = Math.min(first, Math.max(0, Math.floor(r.box.y - reach)));
        end = Math.max(end, Math.min(plane.height, Math.ceil(r.box.y + r.box.height + reach)));
      }
      return { start: (plane.start + first * plane.stride) * bytesPerSample, end: (plane.start + end * plane.stride) * bytesPerSample };
    });
    const into = kernelFrame();
    for (const band of bands) if (band.end > band.start) into.set(frame.subarray(band.start, band.end), band.start);
    for (const regionOnPlanes of perPlane) {
      planes.forEach((plane, k) => {
        const r = regionOnPlanes[k];
        const { rx, ry, kx, ky } = wholeRadii(r);
        const { box } = r;
        call(
          at + plane.start * bytesPerSample, plane.width, plane.height, TYPE_CODES[r.type], r.shape === 'ellipse' ? 1 : 0,
          box.x, box.y, box.width, box.height, rx, ry, kx, ky, r.feather, Math.fround(r.fill),
        );
      });
    }
    const done = kernelFrame();
    for (const band of bands) if (band.end > band.start) frame.set(done.subarray(band.start, band.end), band.start);
  };
}
