// Builds the desktop app into out/: main and preload as CommonJS (package.json has no "type": "module",
// so electron-vite picks cjs; it is spelled out here so adding "type" later cannot silently switch it),
// the renderer as a static site loaded from file:.
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const cjs = { format: 'cjs' } as const;

export default defineConfig({
  main: {
    build: {
      // ws, ioredis, fast-json-patch and yaml are `dependencies`: left external and required at run time.
      externalizeDeps: true,
      lib: { entry: resolve(import.meta.dirname, 'src/main/index.ts') },
      rolldownOptions: { output: cjs },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require nothing but 'electron', so everything else is bundled in.
      externalizeDeps: false,
      lib: { entry: resolve(import.meta.dirname, 'src/preload/index.ts') },
      rolldownOptions: { output: cjs },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src/renderer'),
    build: {
      rolldownOptions: { input: resolve(import.meta.dirname, 'src/renderer/index.html') },
    },
    plugins: [react()],
  },
});
