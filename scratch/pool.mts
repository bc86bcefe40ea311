import { DetectorPool } from '../electron/main/detect/detectorPool';
import { createNodeFaceDetector } from '../electron/main/detect/nodeFaceDetector';
const frame = () => ({ width: 512, height: 512, data: new Uint8Array(512 * 512 * 3).map((_, i) => (i * 13) % 256) });
const opts = { model: process.argv[2] as any, minConfidence: 0.5, tinyInputSize: 416 };
const local = await createNodeFaceDetector(opts);
await local.detect(frame());
let t = performance.now();
for (let i = 0; i < 10; i++) await local.detect(frame());
console.log('in-process', ((performance.now() - t) / 10).toFixed(1), 'ms/call');
for (const n of [1, 2]) {
  const pool = new DetectorPool(n);
  const d = pool.detector(opts);
  await Promise.all(Array.from({ length: n }, () => d.detect(frame())));
  t = performance.now();
  await Promise.all(Array.from({ length: 10 }, () => d.detect(frame())));
  console.log(`pool ${n}`, ((performance.now() - t) / 10).toFixed(1), 'ms/call');
  await pool.close();
}
