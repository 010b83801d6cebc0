/** Builds the admin UI and customer portal into ui/dist; `vite --config ui/vite.config.ts` proxies /api to a running launcher. */
import { defineConfig } from 'vite';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root,
  base: '/',
  // React 19's automatic runtime; Vite 8 compiles TSX with oxc, so no Babel plugin is needed for a build.
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: { outDir: join(root, 'dist'), emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 900 },
  server: { proxy: { '/api': process.env.SMT_API_URL ?? 'http://127.0.0.1:3000' } },
});
