import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Run from the repository root (`vite build --config renderer/vite.config.ts`): paths are relative to it.
export default defineConfig({
  root: 'renderer',
  // Relative asset URLs, so the built app loads from file:// in Electron as well as from a server.
  base: './',
  plugins: [react()],
  worker: { format: 'es' },
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // The face model's tfjs bundle is large by nature; it loads in the detection worker only.
    chunkSizeWarningLimit: 4096,
  },
});
