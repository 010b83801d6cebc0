/**
 * Starts the real launcher (`npm start`'s entry point) as a child process on a free port with a temporary
 * DATA_DIR, for browser tests; resolves once it printed its banner and answers /readyz.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** A running launcher. */
export interface LauncherProcess {
  url: string;
  dataDir: string;
  /** Everything it printed (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `tsx infra/launcher/main.ts` with every port chosen by the OS; rejects with its output if it dies. */
export async function startLauncher(env: Record<string, string> = {}, timeoutMs = 240_000): Promise<LauncherProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'smt-ui-'));
  let output = '';
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    TEMPORAL_DEV_PORT: '0',
    SMTP_CATCHER_PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'true',
  };
  // The embedded Temporal, database and mail: the test owns everything it starts.
  for (const key of ['TEMPORAL_ADDRESS', 'DATABASE_URL', 'SMTP_URL', 'TEMPORAL_UI_URL']) delete childEnv[key];
  Object.assign(childEnv, env);
  const child: ChildProcess = spawn(
    process.execPath,
    [require.resolve('tsx/cli'), join(ROOT, 'infra', 'launcher', 'main.ts')],
    {
      cwd: ROOT,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`launcher did not start within ${timeoutMs} ms:\n${output.slice(-3000)}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /API\s+(http:\/\/[^\s]+)\/api\b/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`launcher exited with ${code}:\n${output.slice(-3000)}`));
    });
  });
  return {
    url,
    dataDir,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000).unref())]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
