import { randomBytes, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type AddressObject } from 'mailparser';
import type { Logger } from 'pino';
import type { Db } from '../db/database';
import { insertCaughtMail, type CaughtMail } from '../db/repositories/caught-mail';

/** The in-process SMTP server of the embedded mode. */
export interface MailCatcher {
  port: number;
  host: string;
  /** Where it listens (`smtp://host:port`), to show people; carries no credentials. */
  address: string;
  /** SMTP URL with this process's credentials, to give nodemailer. */
  url: string;
  /** Emits 'message' with each stored {@link CaughtMail}. */
  events: EventEmitter;
  /** Resolves with the first caught message that satisfies `match` (already caught ones count). */
  waitFor(match: (mail: CaughtMail) => boolean, timeoutMs?: number): Promise<CaughtMail>;
  close(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

function addresses(value: AddressObject | AddressObject[] | undefined): string {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list
    .flatMap((a) => a.value.map((v) => v.address ?? ''))
    .filter(Boolean)
    .join(', ');
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Starts an SMTP server on loopback that stores every message in the caught_mail table (read at
 * /api/dev/mail). Only this process may hand it mail: it demands AUTH with a password drawn at start and known
 * only to the process (it is in `url`), so another local program cannot plant messages in the development inbox.
 * No TLS: the connection never leaves the machine.
 */
export async function startMailCatcher(options: {
  db: Db;
  port?: number;
  host?: string;
  logger?: Logger;
  password?: string;
}): Promise<MailCatcher> {
  const host = options.host ?? '127.0.0.1';
  const events = new EventEmitter();
  const caught: CaughtMail[] = [];
  const user = 'smt-works';
  const password = options.password ?? randomBytes(24).toString('base64url');
  const server = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    disabledCommands: ['STARTTLS'],
    onAuth(auth, _session, callback) {
      const ok = auth.username === user && sameSecret(auth.password ?? '', password);
      if (!ok)
        return callback(
          Object.assign(new Error('only the SMT Works process that started this catcher may send here'), {
            responseCode: 535,
          }),
        );
      callback(null, { user });
    },
    size: MAX_MESSAGE_BYTES,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          callback(Object.assign(new Error('message too large'), { responseCode: 552 }));
          return;
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) =>
            insertCaughtMail(options.db, {
              message_id: parsed.messageId ?? null,
              from_address:
                addresses(parsed.from) || (session.envelope.mailFrom ? session.envelope.mailFrom.address : null),
              to_addresses: addresses(parsed.to) || session.envelope.rcptTo.map((r) => r.address).join(', '),
              subject: parsed.subject ?? null,
              text_body: parsed.text ?? null,
              html_body: typeof parsed.html === 'string' ? parsed.html : null,
              raw: raw.toString('utf8'),
            }),
          )
          .then((stored) => {
            caught.push(stored);
            events.emit('message', stored);
            callback();
          })
          .catch((error: Error) => {
            options.logger?.error({ err: error }, 'mail catcher could not store a message');
            callback(Object.assign(new Error('could not store the message'), { responseCode: 451 }));
          });
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => options.logger?.error({ err: error }, 'mail catcher error'));
  const port = (server as unknown as { server: { address(): AddressInfo } }).server.address().port;

  return {
    port,
    host,
    address: `smtp://${host}:${port}`,
    url: `smtp://${user}:${password}@${host}:${port}`,
    events,
    waitFor(match, timeoutMs = 10_000) {
      const found = caught.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          events.off('message', listener);
          reject(new Error(`no matching mail within ${timeoutMs} ms`));
        }, timeoutMs);
        const listener = (mail: CaughtMail) => {
          if (!match(mail)) return;
          clearTimeout(timer);
          events.off('message', listener);
          resolve(mail);
        };
        events.on('message', listener);
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
