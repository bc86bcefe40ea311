import { execFileSync } from 'node:child_process';
import { createNodeFaceDetector } from '../electron/main/detect/nodeFaceDetector';
import { findBinary } from '../electron/main/media/binaries';
import { iou } from '../core/geometry';
const ff = findBinary('ffmpeg').path;
// sample1 face 1 crop with margin; place scaled copies
const W = 1920, H = 1080;
const sizes = [16, 20, 24, 28, 32, 40, 48, 64, 96, 140];
// crop: face box 414,355,177,239 ; crop margin 35%
const cx = 414 - 62, cy = 355 - 84, cw = 177 + 124, ch = 239 + 168;
let filter = `color=c=0x808070:s=${W}x${H}[bg];`;
let prev = 'bg';
const gt: any[] = [];
sizes.forEach((s, i) => {
  const scale = s / 177;
  const w = Math.round(cw * scale), h = Math.round(ch * scale);
  const x = 60 + i * 185, y = 300 + (i % 2) * 300;
  filter += `[1:v]crop=${cw}:${ch}:${cx}:${cy},scale=${w}:${h}[f${i}];[${prev}][f${i}]overlay=${x}:${y}[o${i}];`;
  prev = `o${i}`;
  gt.push({ x: x + 62 * scale, y: y + 84 * scale, width: 177 * scale, height: 239 * scale, s });
});
filter = filter.replace(/;$/, '');
const buf = execFileSync(ff, ['-v', 'error', '-f', 'lavfi', '-i', `color=c=black:s=${W}x${H}:d=1`, '-i', 'node_modules/@vladmandic/face-api/demo/sample1.jpg', '-filter_complex', filter, '-map', `[${prev}]`, '-vframes', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { maxBuffer: 1e9 });
const frame = { data: new Uint8Array(buf), width: W, height: H };
function crop(x0: number, y0: number, w: number, h: number) {
  const d = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) d.set(frame.data.subarray(((y0 + y) * W + x0) * 3, ((y0 + y) * W + x0 + w) * 3), y * w * 3);
  return { data: d, width: w, height: h };
}
function report(name: string, boxes: any[], ms: number) {
  const found = gt.map((g) => (boxes.some((b) => iou(b, g) > 0.3) ? g.s : `-${g.s}`));
  console.log(name.padEnd(28), `${ms.toFixed(0)}ms`.padStart(7), found.join(' '), `(${boxes.length} boxes)`);
}
for (const model of ['ssd-mobilenet-v1', 'tiny-face-detector'] as const) {
  for (const conf of [0.5, 0.3]) {
    for (const inputSize of model === 'tiny-face-detector' ? [416, 608, 800] : [0]) {
      const det = await createNodeFaceDetector({ model, minConfidence: conf, tinyInputSize: inputSize || undefined });
      await det.detect(crop(0, 0, 64, 64));
      let t = performance.now();
      const full = await det.detect(frame);
      report(`${model}@${conf}/${inputSize} full`, full.map((f) => f.box), performance.now() - t);
      for (const tile of [512, 640]) {
        t = performance.now();
        const boxes: any[] = [];
        const step = tile - 128;
        for (let y0 = 0; y0 < H; y0 += step) for (let x0 = 0; x0 < W; x0 += step) {
          const x = Math.min(x0, W - tile), y = Math.min(y0, H - tile);
          const r = await det.detect(crop(x, y, tile, tile));
          boxes.push(...r.map((f) => ({ ...f.box, x: f.box.x + x, y: f.box.y + y })));
          if (x0 + tile >= W) break;
        }
        report(`${model}@${conf}/${inputSize} tiles${tile}`, boxes, performance.now() - t);
      }
    }
  }
}
