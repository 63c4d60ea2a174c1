import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/**
 * One build for both browser apps (ADR 0035): the console (`/`, index.html) and the handheld (`/rf/`, rf/index.html),
 * sharing ui/lib. The output, ui/dist, is git-ignored: `npm install` builds it (the `prepare` script) and `npm start`
 * rebuilds it first when a UI source is newer (scripts/build-ui.ts).
 */
export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    target: 'es2022',
    // The server sends the built files as they are; a source map per chunk would only inflate the package.
    sourcemap: false,
    rolldownOptions: { input: { console: here('index.html'), rf: here('rf/index.html') } },
  },
});
