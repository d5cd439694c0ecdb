/** Builds the renderer for the browser host (the same output electron-vite makes). */
import path from 'node:path';
import { build } from 'vite';
import react from '@vitejs/plugin-react';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
export const RENDERER_ROOT = path.join(REPO_ROOT, 'desktop/src/renderer');
export const RENDERER_OUT = path.join(REPO_ROOT, 'desktop/out/renderer');

export async function buildRenderer(outDir = RENDERER_OUT): Promise<string> {
  await build({
    root: RENDERER_ROOT,
    base: './',
    plugins: [react()],
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}
