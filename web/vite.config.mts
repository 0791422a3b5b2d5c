import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// The workbench is served by the hub at /app and built into the hub's output (dist/web).
export default defineConfig({
  root: resolve(import.meta.dirname),
  base: '/app/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: resolve(import.meta.dirname, '../dist/web'),
    emptyOutDir: true,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 1200,
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:3000' } },
});
