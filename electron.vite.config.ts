/**
 * electron-vite builds the Electron glue: main (Node), preload (sandboxed) and the renderer
 * (the same React app the browser host serves). Output goes to desktop/out/.
 */
import path from 'node:path';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import react from '@vitejs/plugin-react';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    build: {
      outDir: path.join(root, 'desktop/out/main'),
      rollupOptions: { input: { index: path.join(root, 'desktop/src/main/index.ts') } },
    },
  },
  preload: {
    build: {
      outDir: path.join(root, 'desktop/out/preload'),
      rollupOptions: {
        input: { index: path.join(root, 'desktop/src/preload/index.ts') },
        // A sandboxed preload cannot be an ES module: Electron loads it as a CommonJS script.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: path.join(root, 'desktop/src/renderer'),
    base: './',
    plugins: [react()],
    build: {
      outDir: path.join(root, 'desktop/out/renderer'),
      rollupOptions: { input: { index: path.join(root, 'desktop/src/renderer/index.html') } },
    },
  },
});
