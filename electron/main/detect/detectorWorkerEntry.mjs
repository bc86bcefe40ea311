// Worker bootstrap: the detection worker is TypeScript, so install tsx's loader first
// (the same way bin/blurline.js starts the CLI).
import { register } from 'tsx/esm/api';

register();
await import('./detectorWorker.ts');
