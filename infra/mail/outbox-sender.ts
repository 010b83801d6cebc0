import { sql } from 'kysely';
import type { Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { Db } from '../db/database';
import { markMailFailed, markMailSent } from '../db/repositories/outbox';
import type { OutboxRow } from '../db/schema';
import type { Counter } from 'prom-client';

/** Delay before the next attempt after `attempts` failures: 5 s doubling, at most 15 minutes. */
export function outboxBackoffMs(attempts: number): number {
  return Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 15 * 60_000);
}

export interface OutboxSenderOptions {
  db: Db;
  transport: Transporter;
  from: string;
  logger: Logger;
  batchSize?: number;
  /** How long a claimed email is hidden from other senders while this one delivers it. */
  leaseMs?: number;
  backoffMs?: (attempts: number) => number;
  deliveries?: Counter<'result'>;
}

/** Delivers the outbox: each due email is claimed, sent, and marked sent or rescheduled. */
export interface OutboxSender {
  /** One pass over what is due at `now`; returns how many were sent and how many failed. */
  deliverDue(now?: Date): Promise<{ sent: number; failed: number }>;
  /** Polls every `intervalMs` until stopped. */
  start(intervalMs?: number): void;
  /** Stops polling and waits for the pass in progress. */
  stop(): Promise<void>;
}

export function createOutboxSender(options: OutboxSenderOptions): OutboxSender {
  const { db, transport, logger } = options;
  const batchSize = options.batchSize ?? 20;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const backoff = options.backoffMs ?? outboxBackoffMs;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;

  // Claiming pushes next_attempt_at past the lease, so two senders (two processes) never send the same email.
  async function claim(now: Date): Promise<OutboxRow[]> {
    const leaseUntil = new Date(now.getTime() + leaseMs);
    return db
      .updateTable('outbox')
      .set({ next_attempt_at: leaseUntil })
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('outbox')
          .select('id')
          .where('status', '=', 'pending')
          .where('next_attempt_at', '<=', now)
          .orderBy('next_attempt_at')
          .limit(batchSize)
          .modifyEnd(sql`for update skip locked`),
      )
      .returningAll()
      .execute();
  }

  async function deliverDue(now = new Date()) {
    const due = await claim(now);
    let sent = 0;
    let failed = 0;
    for (const mail of due) {
      try {
        await transport.sendMail({
          from: options.from,
          to: mail.to_address,
          subject: mail.subject,
          text: mail.text_body,
          html: mail.html_body ?? undefined,
          // The outbox key doubles as Message-ID, so a receiver can spot a repeat after an ambiguous failure.
          messageId: `<${mail.idempotency_key.replace(/[^\w.:-]/g, '_')}@smt-works>`,
        });
        await markMailSent(db, mail.id);
        options.deliveries?.inc({ result: 'sent' });
        sent++;
      } catch (error) {
        const attempts = mail.attempts + 1;
        const next = new Date(now.getTime() + backoff(attempts));
        await markMailFailed(db, mail.id, (error as Error).message, next);
        options.deliveries?.inc({ result: 'failed' });
        logger.warn({ err: error, mailId: mail.id, attempts, nextAttemptAt: next }, 'mail delivery failed; will retry');
        failed++;
      }
    }
    return { sent, failed };
  }

  return {
    deliverDue,
    start(intervalMs = 2_000) {
      if (timer) return;
      const tick = () => {
        running = deliverDue()
          .catch((error: unknown) => logger.error({ err: error }, 'outbox pass failed'))
          .finally(() => {
            running = undefined;
            if (timer) timer = setTimeout(tick, intervalMs);
          });
      };
      timer = setTimeout(tick, 0);
    },
    async stop() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
