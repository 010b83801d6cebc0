// Issue 13 item 6: every quote / order / customer response a customer can receive is an explicit customer view.
// A quote and an order are driven through HTTP with staff leaving identities, internal comments, deadlines and kit
// details behind; then a customer walks every GET endpoint of those contexts (taken from the OpenAPI document, so a
// new endpoint is walked too) plus the responses of their own actions, and each body is searched for staff ids and
// emails, the planted internal comments, internal fields and staff roles. Real server, real workers, PGlite and
// PostgreSQL.
import pino from 'pino';
import { TEST_DB_KINDS, type TestDb } from '../../infra/db/testing';
import { DEMO_CUSTOMER } from '../../infra/db/seed';
import { customersRepo, tasksRepo } from '../../infra/db';
import { type RunningPlatform } from '../../infra/launcher/platform';
import { makeZip } from '../../activities/quote/test-support/make-zip';
import { ORDER_TASK_KIND_NAMES as K } from '../../domain/order/task-kind-names';
import { eventually } from '../quote-flow/workflow-harness';
import { startTestPlatform, type TestPlatform } from '../platform/helpers';

const logger = pino({ level: 'silent' });

/** Comments staff wrote for each other: a customer must never read them. */
const INTERNAL_COMMENTS = [
  'setup discounted for new customer',
  'margin is thin, watch the scrap',
  'reel 7 from shelf B',
];

/** Keys that only exist in staff records: deadlines, escalations, review and approval internals, kit lines, routing. */
const INTERNAL_KEYS = new Set([
  'slaStartedAt',
  'slaDueAt',
  'nextReminderAt',
  'nextEscalationAt',
  'escalateAt',
  'escalations',
  'escalated',
  'reminded',
  'reviewReasons',
  'autoQuoteAllowed',
  'approval',
  'adjustments',
  'engineLineItems',
  'compensations',
  'requestedByUserId',
  'requesterDid',
  'requestedBy',
  'approvedBy',
  'preparedBy',
  'lineSlot',
  'lines',
  'rulesVersion',
]);
const CUSTOMER_FACING_ROLES = new Set(['customer', 'factory']);

describe.each(TEST_DB_KINDS)('customer views on %s', (kind) => {
  let running: TestPlatform;
  let t: TestDb;
  let platform: RunningPlatform;
  const tokens: Record<string, string> = {};

  async function call(
    method: string,
    path: string,
    token: string,
    body?: unknown,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- responses are checked field by field
  ): Promise<{ status: number; type: string; body: any }> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    let payload: string | FormData | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await fetch(`${platform.url}${path}`, { method, headers, body: payload });
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, type, body: type.includes('json') ? await res.json() : null };
  }

  beforeAll(async () => {
    running = await startTestPlatform({
      dbKind: kind,
      dataDirPrefix: 'smt-customer-views-',
      services: ['auth', 'tasks', 'quote', 'customer', 'production'],
      workers: ['quote', 'production'],
      mailSender: false,
      logger,
      logins: ['buyer', 'engineer', 'sales_manager', 'finance', 'production'].map((who) => `${who}@demo.local`),
    });
    ({ t, platform } = running);
    Object.assign(tokens, running.tokens);
  }, 180_000);

  afterAll(async () => {
    await running?.stop();
  });

  /** Completes the open task of `kind` on the case as `who` through the tasks API. */
  async function complete(
    caseId: string,
    taskKind: string,
    who: string,
    decision: string,
    data: Record<string, unknown>,
  ) {
    const task = await eventually(async () => {
      const r = await call('GET', `/api/tasks?case=${caseId}&kind=${taskKind}`, tokens[who]);
      expect(r.body.tasks).toHaveLength(1);
      return r.body.tasks[0] as { id: string };
    }, 30_000);
    const done = await call('POST', `/api/tasks/${task.id}/complete`, tokens[who], { decision, data });
    expect(done.status).toBe(200);
    return done;
  }

  it('walks every quote, order, customer and task endpoint a customer can reach and finds no staff identity or internal field', async () => {
    const customerId = (await customersRepo.findCustomerByCode(t.db, DEMO_CUSTOMER.code))!.id;
    const seen: { path: string; body: unknown }[] = [];

    // A quote an engineer reviews with an internal comment; the customer accepts it.
    const form = new FormData();
    form.append('quantity', '5');
    form.append(
      'gerber',
      new Blob([new Uint8Array(makeZip([{ name: 'readme.txt', data: 'the layers will follow' }]))]),
      'partial.zip',
    );
    const created = await call('POST', '/api/quotes', tokens.buyer, form);
    expect(created.status).toBe(201);
    seen.push({ path: 'POST /api/quotes', body: created.body });
    const quoteId = created.body.id as string;
    const inReview = await eventually(async () => {
      const r = await call('GET', `/api/quotes/${quoteId}`, tokens.engineer);
      expect(r.body.status).toBe('engineering_review');
      expect(await tasksRepo.findTaskByStep(t.db, `quote:${quoteId}`, 'engineering-review-r1')).toMatchObject({
        status: 'open',
      });
      return r.body;
    }, 30_000);
    const line = inReview.revisions[0].price.lineItems[0];
    const reviewed = await call('POST', `/api/quotes/${quoteId}/review`, tokens.engineer, {
      decision: 'approve',
      comment: INTERNAL_COMMENTS[0],
      adjustments: [{ code: line.code, unitPriceFen: line.unitPriceFen + 100 }],
    });
    expect(reviewed.status).toBe(200);
    const issued = await eventually(async () => {
      const r = await call('GET', `/api/quotes/${quoteId}`, tokens.buyer);
      expect(r.body.workflow?.openTasks).toEqual([expect.objectContaining({ step: 'customer-decision-r1' })]);
      return r.body;
    }, 30_000);
    // The customer sees the factory decided, not who or why; staff see both.
    expect(issued.workflow.decisions).toEqual([
      {
        step: 'engineering-review-r1',
        decision: 'approve',
        at: expect.any(String),
        revision: 1,
        by: { role: 'factory' },
      },
    ]);
    expect((await call('GET', `/api/quotes/${quoteId}`, tokens.engineer)).body.workflow.decisions[0]).toMatchObject({
      comment: INTERNAL_COMMENTS[0],
      by: { email: 'engineer@demo.local' },
    });
    const accepted = await call('POST', `/api/quotes/${quoteId}/decision`, tokens.buyer, {
      decision: 'accept',
      comment: 'go ahead',
    });
    seen.push({ path: 'POST /api/quotes/:id/decision', body: accepted.body });

    // The order: signed by the customer, approved with an internal comment, deposit paid, kit reported with a note.
    const orderId = quoteId;
    seen.push({
      path: 'POST /api/tasks/:id/complete (contract)',
      body: (await complete(orderId, K.contractSignature, 'buyer', 'sign', { signatoryName: 'Demo buyer' })).body,
    });
    await complete(orderId, K.contractApproval, 'sales_manager', 'approve', { comment: INTERNAL_COMMENTS[1] });
    const deposit = await eventually(async () => {
      const r = await call('GET', `/api/orders/${orderId}`, tokens.finance);
      expect(r.body.workflow?.payment.depositFen).toBeGreaterThan(0);
      expect(r.body.workflow.openTasks).toEqual([expect.objectContaining({ kind: K.payment })]);
      return r.body.workflow.payment.depositFen as number;
    }, 30_000);
    await complete(orderId, K.payment, 'finance', 'record', {
      amountFen: deposit,
      currency: 'CNY',
      reference: 'DEP-1',
    });
    await complete(orderId, K.kitting, 'production', 'report', {
      lines: [{ partNumber: 'R-0402-1K', quantity: 100, source: { kind: 'in_stock' } }],
      comment: INTERNAL_COMMENTS[2],
    });
    await eventually(
      async () =>
        expect((await call('GET', `/api/orders/${orderId}`, tokens.buyer)).body.workflow.stage).toBe('preparation'),
      30_000,
    );
    const staffOrder = (await call('GET', `/api/orders/${orderId}`, tokens.sales_manager)).body;
    expect(JSON.stringify(staffOrder)).toContain(INTERNAL_COMMENTS[1]); // the planted facts exist in the staff record

    // Walk every GET endpoint of the contexts, from the OpenAPI document, as the customer.
    const customerTasks = (await call('GET', `/api/tasks?case=${orderId}`, tokens.buyer)).body.tasks as {
      id: string;
    }[];
    const fileId = issued.revisions[0].files[0]?.id as string;
    const fill: Record<string, string> = {
      id: '',
      fileId,
      actionId: '00000000-0000-0000-0000-000000000000',
      requestId: '00000000-0000-0000-0000-000000000000',
    };
    const doc = (await call('GET', '/api/openapi.json', tokens.buyer)).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const openapiGets = Object.entries(doc.paths)
      .filter(([p, ops]) => 'get' in ops && /^\/api\/(quotes|orders|customers|tasks)\b/.test(p))
      .map(([p]) => p);
    const walked: string[] = [];
    for (const template of [...new Set([...openapiGets, '/api/quotes/{id}/files/{fileId}'])]) {
      const idFor = template.startsWith('/api/quotes')
        ? quoteId
        : template.startsWith('/api/orders')
          ? orderId
          : template.startsWith('/api/customers')
            ? customerId
            : customerTasks[0]?.id;
      const path = template.replace(/\{(\w+)\}/g, (_m, name: string) => (name === 'id' ? idFor : fill[name]) ?? '');
      const r = await call('GET', path, tokens.buyer);
      walked.push(`${template} ${r.status}`);
      if (r.type.includes('json') && r.status < 300) seen.push({ path: `GET ${path}`, body: r.body });
    }
    for (const task of customerTasks)
      seen.push({
        path: `GET /api/tasks/${task.id}`,
        body: (await call('GET', `/api/tasks/${task.id}`, tokens.buyer)).body,
      });
    // The detail endpoints answered (a 404 would hide a leak).
    expect(walked).toEqual(
      expect.arrayContaining([
        '/api/quotes/{id} 200',
        '/api/orders/{id} 200',
        '/api/customers/{id} 200',
        '/api/quotes 200',
        '/api/orders 200',
        '/api/tasks 200',
      ]),
    );

    // Staff identities: every staff user's id and email.
    const staff = await t.db.selectFrom('users').select(['id', 'email']).where('role', '!=', 'customer').execute();
    const leaks: string[] = [];
    const inspect = (where: string, value: unknown, key: string | null) => {
      if (typeof value === 'string') {
        for (const s of staff)
          if (value.includes(s.id) || value.toLowerCase().includes(s.email))
            leaks.push(`${where}: staff ${value.includes(s.id) ? 'id' : 'email'} of ${s.email}`);
        for (const c of INTERNAL_COMMENTS) if (value.includes(c)) leaks.push(`${where}: internal comment "${c}"`);
        if ((key === 'role' || key === 'actorRole') && !CUSTOMER_FACING_ROLES.has(value))
          leaks.push(`${where}: staff role ${value}`);
      } else if (Array.isArray(value)) value.forEach((v, i) => inspect(`${where}[${i}]`, v, key));
      else if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
          if (INTERNAL_KEYS.has(k) && v !== null) leaks.push(`${where}.${k}: internal field`);
          inspect(`${where}.${k}`, v, k);
        }
      }
    };
    for (const { path, body } of seen) inspect(path, body, null);
    expect(leaks).toEqual([]);
    expect(seen.length).toBeGreaterThanOrEqual(10);
  }, 240_000);
});
