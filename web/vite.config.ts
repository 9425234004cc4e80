import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The API the dev server forwards to (`npm start` listens on 8080 by default).
const api = process.env.ORDERGRID_API ?? 'http://localhost:8080';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Served by the API server at /console (src/platform/http/console-static.ts).
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // One bundle of ~100 kB (gzip ~40 kB) including the map shapes; no need to split it.
    chunkSizeWarningLimit: 400,
    reportCompressedSize: false,
  },
  server: {
    port: 5173,
    proxy: { '/v1': api, '/health': api, '/openapi.json': api },
  },
});
