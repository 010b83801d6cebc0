#!/usr/bin/env node
// Builds Temporal's web UI into ./build, as the root package's `prepare` script (so it exists after every
// `npm install` / `npm ci`) and as `npm run temporal-ui:build`. The build takes minutes, so it is skipped when
// nothing it reads has changed: the inputs' hash is stamped into build/, and each finished build is kept in a
// cache outside the checkout (~/.cache/smt-works/temporal-ui/<hash>) that a fresh clone (CI) copies instead of
// rebuilding. `--force` rebuilds anyway; SMT_SKIP_TEMPORAL_UI_BUILD=1 skips it (the UI port then says how to build).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const build = join(here, 'build');
const stampFile = join(build, '.inputs-sha256');
const log = (message) => console.log(`temporal-ui: ${message}`);

if (process.env.SMT_SKIP_TEMPORAL_UI_BUILD === '1') {
  log('skipped (SMT_SKIP_TEMPORAL_UI_BUILD=1)');
  process.exit(0);
}
if (!existsSync(join(here, 'src'))) {
  log('no sources here; not built');
  process.exit(0);
}

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** Everything the build reads besides node_modules (which the lock pins). */
function inputsHash() {
  const configs = ['package.json', 'package-lock.json', 'svelte.config.js', 'vite.config.js', 'tailwind.config.js', 'postcss.config.js'];
  const files = [...configs.map((f) => join(here, f)), ...filesUnder(join(here, 'src'))].sort();
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${relative(here, file)}\0`).update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: here, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`temporal-ui: ${command} ${args.join(' ')} failed (${result.status ?? result.signal})`);
    process.exit(result.status || 1);
  }
}

const started = Date.now();
const hash = inputsHash();
const force = process.argv.includes('--force');
const current = existsSync(join(build, 'index.html')) && existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === hash;
if (current && !force) {
  log(`up to date (${relative(process.cwd(), build) || build})`);
  process.exit(0);
}

const cacheRoot = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'smt-works', 'temporal-ui');
const cached = join(cacheRoot, hash);
if (!force && existsSync(join(cached, 'index.html'))) {
  rmSync(build, { recursive: true, force: true });
  cpSync(cached, build, { recursive: true });
  log(`copied from ${cached} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exit(0);
}

log('building Temporal UI (@temporalio/ui) into infra/temporal-dev/ui/build; this takes a few minutes once');
// Its own dependencies (SvelteKit, Vite 6, Tailwind 3), kept apart from the project's; none needs an install script.
run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error']);
run(process.execPath, [join(here, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn']);
writeFileSync(stampFile, `${hash}\n`);
try {
  // Keep only this build in the cache.
  if (existsSync(cacheRoot)) for (const old of readdirSync(cacheRoot)) if (old !== hash) rmSync(join(cacheRoot, old), { recursive: true, force: true });
  mkdirSync(cacheRoot, { recursive: true });
  rmSync(cached, { recursive: true, force: true });
  cpSync(build, cached, { recursive: true });
} catch (err) {
  log(`build not cached (${err.message})`);
}
const sizeMb = filesUnder(build).reduce((sum, f) => sum + statSync(f).size, 0) / 1e6;
log(`built in ${((Date.now() - started) / 1000).toFixed(0)} s (${sizeMb.toFixed(1)} MB)`);
