// The renderer build: a static bundle loaded by Electron over app:// and by the browser harness.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // One app, loaded from disk: a large chunk costs nothing over the network.
    chunkSizeWarningLimit: 4000,
    // No inline scripts or module-preload polyfill: the production CSP forbids inline script.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: { host: '127.0.0.1', strictPort: true },
});
