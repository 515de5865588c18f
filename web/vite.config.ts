// Builds the browser app into web/dist. `npm run build:web` runs it; the Node entry and Workers
// static assets serve the result. In `vite` dev mode, /v1 is proxied to a running API.
import { defineConfig } from 'vite';

const apiTarget = process.env.STEK_API_URL ?? 'http://127.0.0.1:8787';

export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  server: {
    host: '127.0.0.1',
    proxy: { '/v1': apiTarget, '/health': apiTarget },
  },
});
