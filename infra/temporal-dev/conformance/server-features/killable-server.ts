/**
 * The embedded server's executable as a child process on a file of its own (`--db-filename`), to be killed with
 * SIGKILL and started again on the same port and file: what the persistence tests do to it.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEMPORAL_DEV_BIN } from '../../../temporal/test-env';
import { freePort } from '../../free-port';

export class KillableServer {
  private readonly dir = mkdtempSync(join(tmpdir(), 'temporal-dev-killable-'));
  readonly dbFile = join(this.dir, 'state.db');
  port = 0;
  /** What the running server (since its last start) wrote to stderr. */
  stderr = '';
  private child: ChildProcess | undefined;

  /**
   * `dev-server`: the CLI dev-server form (real time, info log); `time-skipping`: the Java test server's form,
   * which starts with time locked.
   */
  constructor(private readonly form: 'dev-server' | 'time-skipping') {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Starts the server (on a free port the first time, the same port afterwards) and waits until it listens. */
  async start(): Promise<void> {
    if (!this.port) this.port = await freePort();
    const args =
      this.form === 'dev-server'
        ? [
            'server',
            'start-dev',
            '--port',
            String(this.port),
            '--headless',
            '--db-filename',
            this.dbFile,
            '--log-level',
            'info',
          ]
        : [String(this.port), '--db-filename', this.dbFile];
    this.stderr = '';
    const child = spawn(TEMPORAL_DEV_BIN, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const onExit = () => reject(new Error(`server exited before listening: ${this.stderr}`));
      child.once('exit', onExit);
      const check = () => {
        if (this.stderr.includes('Temporal-compatible server on')) {
          child.off('exit', onExit);
          resolve();
        } else if (child.exitCode === null) setTimeout(check, 50);
      };
      check();
    });
  }

  /** SIGKILL: no shutdown code runs, as in a crash. */
  kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
