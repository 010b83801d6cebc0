/**
 * Task tokens: what a worker hands back to name the workflow task, activity attempt or legacy query it
 * answers. Plain JSON, since only this server reads them.
 */
import * as errors from '../errors';

export interface TaskToken {
  /** workflow task, activity task or query task */
  k: 'w' | 'a' | 'q';
  ns: string;
  wid: string;
  rid: string;
  /** scheduled event id (workflow / activity task) */
  s?: number;
  /** attempt */
  a?: number;
  /** query id */
  q?: string;
}

export function encodeToken(t: TaskToken): Buffer {
  return Buffer.from(JSON.stringify(t));
}

export function decodeToken(buf: Uint8Array | null | undefined): TaskToken {
  try {
    const t = JSON.parse(Buffer.from(buf ?? []).toString('utf8')) as TaskToken;
    if (!t || typeof t !== 'object' || !t.k) throw new Error('bad');
    return t;
  } catch {
    throw errors.invalidArgument('Task token is malformed.');
  }
}
