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
    // Loaded from disk, so size matters for parse time, not transfer: the screens, drawers and
    // dialogs are lazy chunks (see App.tsx and screens/Main.tsx); the framework that every chunk
    // needs is one long-lived vendor chunk. antd is left to the automatic split, so components used
    // only by a lazy chunk (Table, Image, Descriptions…) stay out of the first load.
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [{ name: 'vendor', test: /[\\/]node_modules[\\/](react|react-dom|scheduler|@tanstack|i18next|react-i18next)[\\/]/ }],
        },
      },
    },
    // No inline scripts or module-preload polyfill: the production CSP forbids inline script.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: { host: '127.0.0.1', strictPort: true },
});
