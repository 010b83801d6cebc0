/**
 * Builds the admin UI and customer portal into ui/dist; `vite --config ui/vite.config.ts` proxies /api to a running
 * launcher. No source maps are published; every emitted text asset is also written gzip- and brotli-compressed
 * (`x.js.gz`, `x.js.br`), which infra/launcher/ui-static.ts serves to browsers that accept them.
 */
import { defineConfig, type Plugin } from 'vite';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = dirname(fileURLToPath(import.meta.url));
const outDir = join(root, 'dist');

/** Writes `.gz` and `.br` beside every compressible file of the build, when compression saves something. */
function precompress(): Plugin {
  const compressible = /\.(js|css|html|svg|json|txt)$/;
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) =>
      statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)],
    );
  return {
    name: 'smt-precompress',
    apply: 'build',
    closeBundle() {
      for (const file of walk(outDir).filter((f) => compressible.test(f))) {
        const raw = readFileSync(file);
        if (raw.length < 1024) continue;
        const br = brotliCompressSync(raw, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
        });
        const gz = gzipSync(raw, { level: 9 });
        if (br.length < raw.length) writeFileSync(`${file}.br`, br);
        if (gz.length < raw.length) writeFileSync(`${file}.gz`, gz);
      }
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  // React 19's automatic runtime; Vite 8 compiles TSX with oxc, so no Babel plugin is needed for a build.
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  plugins: [precompress()],
  build: { outDir, emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 900 },
  server: { proxy: { '/api': process.env.SMT_API_URL ?? 'http://127.0.0.1:3000' } },
});
