// The renderer build: renderer/ → dist/renderer/, relative asset URLs so the same build works
// from `gatehouse serve` (http://127.0.0.1:PORT/) and from Electron (file://).
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('./renderer', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    // The renderer is loaded from disk or localhost: one chunk per vendor is plenty.
    chunkSizeWarningLimit: 1200,
  },
  server: { fs: { allow: [fileURLToPath(new URL('.', import.meta.url))] } },
});
