/**
 * A faster Concat for tfjs's wasm backend, installed by the hosts that run face-api on it (the
 * Node workers and the renderer's detection workers); the tfjs module is passed in, so core
 * stays free of tfjs imports.
 *
 * Why: face-api normalises every input by concatenating three one-channel tensors along the
 * channel axis. The wasm backend's Concat copies with one `subarray().set()` per pixel in that
 * case (416×416 = 173k calls for one Tiny Face Detector input), which profiling showed to be a
 * quarter of all detection time. Copying small inner runs element by element is the same result
 * without the per-pixel allocations.
 */

interface TensorInfoLike {
  dataId: object;
  shape: number[];
  dtype: string;
}

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: string): TensorInfoLike;
  typedArrayFromHeap(tensor: TensorInfoLike): ArrayLike<number> & { [index: number]: number };
}

interface KernelArgs {
  inputs: TensorInfoLike[] | Record<string, TensorInfoLike>;
  backend: unknown;
  attrs?: Record<string, unknown>;
}

interface KernelConfigLike {
  kernelName: string;
  backendName: string;
  kernelFunc: (args: KernelArgs) => unknown;
  setupFunc?: (backend: unknown) => void;
  disposeFunc?: (backend: unknown) => void;
}

export interface TfKernelRegistry {
  getKernel(kernelName: string, backendName: string): KernelConfigLike | undefined;
  unregisterKernel(kernelName: string, backendName: string): void;
  registerKernel(config: KernelConfigLike): void;
}

/** Inner runs at most this long are copied element by element; longer ones use the original kernel. */
const SHORT_RUN = 16;

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** Concatenation of numeric tensors along `axis` into `out` (all row-major). */
export function concatInto(inputs: readonly ArrayLike<number>[], innerSizes: readonly number[], batch: number, out: { [index: number]: number }): void {
  const total = innerSizes.reduce((a, b) => a + b, 0);
  for (let i = 0, start = 0; i < inputs.length; start += innerSizes[i], i++) {
    const values = inputs[i];
    const inner = innerSizes[i];
    for (let b = 0; b < batch; b++) {
      let o = b * total + start;
      let v = b * inner;
      for (let k = 0; k < inner; k++) out[o++] = values[v++];
    }
  }
}

let installed = false;

/** Replaces the wasm backend's Concat with one that is fast for short inner runs (idempotent). */
export function installFastWasmConcat(tf: TfKernelRegistry): void {
  if (installed) return;
  const original = tf.getKernel('Concat', 'wasm');
  if (!original) return;
  tf.unregisterKernel('Concat', 'wasm');
  tf.registerKernel({
    ...original,
    kernelFunc(args: KernelArgs) {
      const inputs = (Array.isArray(args.inputs) ? args.inputs : Object.values(args.inputs)).filter((t) => product(t.shape) > 0);
      const first = inputs[0];
      if (!first || inputs.length < 2 || first.dtype === 'string') return original.kernelFunc(args);
      const rank = first.shape.length;
      const rawAxis = Number((args.attrs?.axis as number | number[] | undefined) ?? 0);
      const axis = rawAxis < 0 ? rawAxis + rank : rawAxis;
      const innerSizes = inputs.map((t) => product(t.shape.slice(axis)));
      if (Math.max(...innerSizes) > SHORT_RUN) return original.kernelFunc(args);
      const backend = args.backend as WasmBackendLike;
      const outShape = [...first.shape];
      outShape[axis] = inputs.reduce((sum, t) => sum + t.shape[axis], 0);
      const out = backend.makeOutput(outShape, first.dtype);
      concatInto(
        inputs.map((t) => backend.typedArrayFromHeap(t)),
        innerSizes,
        product(first.shape.slice(0, axis)),
        backend.typedArrayFromHeap(out),
      );
      return out;
    },
  });
  installed = true;
}
