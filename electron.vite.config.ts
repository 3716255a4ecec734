// Builds the three Electron targets into out/: main (Node, ESM), preload (CommonJS, because a
// sandboxed preload cannot load ESM) and the Vue renderer, which `s2cap serve` also serves.
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

export default defineConfig({
  main: {
    build: {
      // The DSP/inference worker is its own entry so core/worker/pool.ts finds dspWorker.js beside index.js.
      rollupOptions: { input: { index: resolve('src/main/index.ts'), dspWorker: resolve('src/core/worker/dspWorker.ts') } },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    plugins: [vue()],
    build: {
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
});
