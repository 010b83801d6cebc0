import pino from 'pino';
import { TEST_DB_KINDS, openTestDb, type TestDb } from '../../infra/db/testing';
import { enqueueMail, getMailByKey } from '../../infra/db/repositories/outbox';
import { listCaughtMail } from '../../infra/db/repositories/caught-mail';
import { startMailCatcher, type MailCatcher } from '../../infra/mail/catcher';
import { createMailTransport } from '../../infra/mail/transport';
import { createOutboxSender, outboxBackoffMs } from '../../infra/mail/outbox-sender';
import { taskEscalationMail } from '../../infra/mail/templates';

const logger = pino({ level: 'silent' });

describe.each(TEST_DB_KINDS)('mail through the outbox and a real SMTP exchange (%s)', (kind) => {
  let t: TestDb;
  let catcher: MailCatcher | undefined;

  beforeAll(async () => {
    t = await openTestDb(kind);
  });
  afterAll(async () => {
    await catcher?.close();
    await t?.close();
  });

  test('an email enqueued in a transaction is delivered once and stored by the catcher', async () => {
    catcher = await startMailCatcher({ db: t.db, logger });
    const transport = createMailTransport(catcher.url);
    const sender = createOutboxSender({ db: t.db, transport, from: 'SMT Works <noreply@smt.test>', logger });
    const rendered = taskEscalationMail({
      title: 'Quote review',
      caseType: 'quote',
      caseId: 'Q-7',
      role: 'engineer',
      dueAt: new Date('2030-01-01T08:00:00Z'),
    });
    await t.db.transaction().execute(async (trx) => {
      await enqueueMail(trx, { idempotencyKey: 'quote:Q-7:review:escalation:m@x.test', to: 'm@x.test', ...rendered });
      await enqueueMail(trx, { idempotencyKey: 'quote:Q-7:review:escalation:m@x.test', to: 'm@x.test', ...rendered });
    });
    expect(await sender.deliverDue()).toEqual({ sent: 1, failed: 0 });
    expect(await sender.deliverDue()).toEqual({ sent: 0, failed: 0 });
    const mail = await catcher.waitFor((m) => m.to_addresses === 'm@x.test');
    expect(mail.subject).toBe('Escalation: Quote review (quote Q-7) is overdue / 任务逾期：报价单 Q-7');
    expect(mail.from_address).toBe('noreply@smt.test');
    // The deadline in the factory's zone (Asia/Shanghai by default), in both languages.
    expect(mail.text_body).toContain('was due at 2030-01-01 16:00 GMT+8 and is still open.');
    expect(mail.text_body).toContain(
      '报价单 Q-7 的任务“Quote review”已于 2030-01-01 16:00（北京时间） 到期，仍未完成。',
    );
    expect(mail.text_body).toContain('该任务等待工程处理，请跟进。');
    expect(mail.raw).toContain('Message-ID: <quote:Q-7:review:escalation:m_x.test@smt-works>');
    expect(await listCaughtMail(t.db, { to: 'm@x.test' })).toHaveLength(1);
    transport.close();
  });

  test('only this process may hand the catcher mail: no or wrong credentials are refused', async () => {
    const stranger = createMailTransport(catcher!.address);
    await expect(
      stranger.sendMail({ from: 'x@evil.test', to: 'admin@demo.local', subject: 'planted', text: 'hi' }),
    ).rejects.toThrow(/530|auth/i);
    const guesser = createMailTransport(`smtp://smt-works:guess@127.0.0.1:${catcher!.port}`);
    await expect(
      guesser.sendMail({ from: 'x@evil.test', to: 'admin@demo.local', subject: 'planted', text: 'hi' }),
    ).rejects.toThrow(/535/);
    expect(await listCaughtMail(t.db, { to: 'admin@demo.local' })).toHaveLength(0);
    stranger.close();
    guesser.close();
  });

  test('an SMTP outage delays an email but does not lose it', async () => {
    const { port, url } = catcher!;
    await catcher!.close();
    catcher = undefined;
    const transport = createMailTransport(url);
    const sender = createOutboxSender({ db: t.db, transport, from: 'noreply@smt.test', logger });
    await enqueueMail(t.db, {
      idempotencyKey: 'outage-1',
      to: 'late@x.test',
      subject: 'During the outage',
      text: 'still arrives',
    });

    // A moment after the enqueue: the database clock has microseconds, so "now" in JS may be a hair earlier.
    const start = new Date(Date.now() + 1_000);
    expect(await sender.deliverDue(start)).toEqual({ sent: 0, failed: 1 });
    const afterFirst = await getMailByKey(t.db, 'outage-1');
    expect(afterFirst).toMatchObject({ status: 'pending', attempts: 1 });
    expect(afterFirst?.last_error).toMatch(/ECONNREFUSED|connect/i);
    expect(afterFirst!.next_attempt_at.getTime()).toBe(start.getTime() + outboxBackoffMs(1));

    // Not due yet: nothing is attempted before the backoff passes.
    expect(await sender.deliverDue(new Date(start.getTime() + 1_000))).toEqual({ sent: 0, failed: 0 });
    // Still down at the next attempt: the backoff doubles.
    const second = new Date(start.getTime() + outboxBackoffMs(1));
    expect(await sender.deliverDue(second)).toEqual({ sent: 0, failed: 1 });
    expect((await getMailByKey(t.db, 'outage-1'))!.next_attempt_at.getTime()).toBe(
      second.getTime() + outboxBackoffMs(2),
    );

    catcher = await startMailCatcher({ db: t.db, port, logger, password: new URL(url).password });
    const third = new Date(second.getTime() + outboxBackoffMs(2));
    expect(await sender.deliverDue(third)).toEqual({ sent: 1, failed: 0 });
    const mail = await catcher.waitFor((m) => m.to_addresses === 'late@x.test');
    expect(mail.subject).toBe('During the outage');
    expect(await getMailByKey(t.db, 'outage-1')).toMatchObject({ status: 'sent', attempts: 3, last_error: null });
    transport.close();
  });

  test('two senders working at once deliver each email exactly once', async () => {
    const transportA = createMailTransport(catcher!.url);
    const transportB = createMailTransport(catcher!.url);
    const a = createOutboxSender({ db: t.db, transport: transportA, from: 'noreply@smt.test', logger, batchSize: 2 });
    const b = createOutboxSender({ db: t.db, transport: transportB, from: 'noreply@smt.test', logger, batchSize: 2 });
    for (let i = 0; i < 6; i++)
      await enqueueMail(t.db, { idempotencyKey: `pair-${i}`, to: 'pair@x.test', subject: `pair ${i}`, text: 'x' });
    let sent = 0;
    for (let round = 0; round < 3; round++) {
      const [ra, rb] = await Promise.all([a.deliverDue(), b.deliverDue()]);
      sent += ra.sent + rb.sent;
    }
    expect(sent).toBe(6);
    const received = await listCaughtMail(t.db, { to: 'pair@x.test' });
    expect(received.map((m) => m.subject).sort()).toEqual(['pair 0', 'pair 1', 'pair 2', 'pair 3', 'pair 4', 'pair 5']);
    transportA.close();
    transportB.close();
  });

  test('the polling sender delivers without being asked', async () => {
    const transport = createMailTransport(catcher!.url);
    const sender = createOutboxSender({ db: t.db, transport, from: 'noreply@smt.test', logger });
    await enqueueMail(t.db, { idempotencyKey: 'poll-1', to: 'poll@x.test', subject: 'Polled', text: 'x' });
    sender.start(50);
    const mail = await catcher!.waitFor((m) => m.to_addresses === 'poll@x.test');
    await sender.stop();
    expect(mail.subject).toBe('Polled');
    transport.close();
  });
});
