// Jest global set-up: transpile the embedded Temporal server once before any test file starts one, so every
// start fits in the 5 s the SDK's test tooling allows.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = async function globalSetup() {
  execFileSync(process.execPath, [join(__dirname, '..', 'infra', 'temporal-dev', 'bin', 'temporal-dev'), '--prepare'], {
    stdio: 'inherit',
  });
};
