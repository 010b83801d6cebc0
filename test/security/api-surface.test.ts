/**
 * The whole API surface, read from the OpenAPI document the app serves, on one real listening platform (every
 * service, PGlite, the embedded Temporal test server; no workers: nothing here needs a workflow to move):
 *
 * 1. Authorization matrix: every operation × anonymous and every role × a record of the caller's own customer
 *    and of another customer, checked against `services/access-matrix.ts`. An operation without a row fails.
 *    The refused requests run first, and the database is compared before and after them: they changed nothing.
 * 2. Fuzz: fast-check drives every operation with bad path parameters, query strings and bodies (wrong types,
 *    NUL and control characters, huge strings, dates that do not exist, bad ids, javascript: URLs, malformed
 *    JSON) as a caller the matrix allows, and every answer must be a 4xx with `{error:{code,message}}` — never
 *    a 5xx. Fixed seed, a bounded number of runs per operation.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { sql } from 'kysely';
import type { TestDb } from '../../infra/db/testing';
import { DEMO_CUSTOMER } from '../../infra/db/seed';
import { customersRepo, usersRepo } from '../../infra/db';
import { createOrder } from '../../infra/db/repositories/orders';
import { addQuoteFile, createQuote } from '../../infra/db/repositories/quotes';
import { createRmaCase } from '../../infra/db/repositories/rma';
import { openTask } from '../../infra/db/repositories/tasks';
import type { RunningPlatform } from '../../infra/launcher/platform';
import { ACCESS_MATRIX, type AccessRule } from '../../services/access-matrix';
import { OVERSEER_ROLES, ROLES, type Role } from '../../domain/tasks/roles';
import { QUOTE_TASK_KIND_NAMES } from '../../domain/quote/contract';
import { addOtherCustomer, startTestPlatform, type TestPlatform } from '../platform/helpers';
/** A well-formed id no record has. */
const MISSING_ID = '00000000-0000-4000-8000-00000000abcd';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Percent-encodes, sending a lone surrogate as the invalid UTF-8 it would be. */
function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
}

/** One customer's records that paths name. */
interface Records {
  customerId: string;
  quoteId: string;
  fileId: string;
  orderId: string;
  rmaId: string;
  taskId: string;
}

interface Operation {
  key: string;
  method: string;
  path: string;
  doc: OpenApiOperation;
}

interface OpenApiOperation {
  parameters?: { name: string; in: 'path' | 'query'; schema?: JsonSchema }[];
  requestBody?: { content: Record<string, { schema?: JsonSchema }> };
}

interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  pattern?: string;
  maxLength?: number;
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

interface Answer {
  status: number;
  body: { error?: { code?: unknown; message?: unknown } } | undefined;
}

/** Who calls: anonymous, a role (customer users belong to the demo customer), or the other customer's user. */
type Caller = 'anonymous' | Role | 'other-customer';

describe('the API surface from its OpenAPI document', () => {
  let running: TestPlatform;
  let t: TestDb;
  let platform: RunningPlatform;
  let dataDir: string;
  let operations: Operation[];
  let components: Record<string, JsonSchema>;
  const tokens = new Map<Caller, string>();
  const records: { own: Records; other: Records } = {} as never;

  async function recordsOf(customerId: string, userId: string): Promise<Records> {
    const tag = customerId.slice(0, 8);
    const quote = await createQuote(t.db, {
      reference: `Q-SURFACE-${tag}`,
      customer_id: customerId,
      status: 'analysing',
      quantity: 5,
      currency: 'CNY',
      created_by: userId,
    });
    await addQuoteFile(t.db, {
      quote_id: quote.id,
      revision: 1,
      kind: 'gerber',
      filename: 'board.zip',
      content_hash: 'ab'.repeat(32),
      size_bytes: 3,
      storage_path: join(dataDir, 'absent.zip'),
    });
    const fileId = (
      await t.db.selectFrom('quote_files').select('id').where('quote_id', '=', quote.id).executeTakeFirstOrThrow()
    ).id;
    const order = await createOrder(t.db, {
      reference: `O-SURFACE-${tag}`,
      quote_id: quote.id,
      customer_id: customerId,
      workflow_id: null,
      status: 'contract',
      quantity: 5,
      total_fen: 1000,
      currency: 'CNY',
    });
    const rma = await createRmaCase(t.db, {
      reference: `R-SURFACE-${tag}`,
      customer_id: customerId,
      workflow_id: null,
      status: 'open',
      complaint: 'boards fail',
      quantity: 1,
      product_model: null,
      part_number: null,
      sale_date: null,
      production_date: null,
      order_id: null,
      created_by: userId,
    });
    const { task } = await openTask(t.db, {
      workflowId: `quote:${quote.id}`,
      step: 'customer-decision-r1',
      kind: QUOTE_TASK_KIND_NAMES.customerDecision,
      title: 'Decide',
      role: 'customer',
      caseType: 'quote',
      caseId: quote.id,
      customerId,
    });
    return { customerId, quoteId: quote.id, fileId, orderId: order.id, rmaId: rma.id, taskId: task.id };
  }

  beforeAll(async () => {
    let otherId = '';
    running = await startTestPlatform({
      dataDirPrefix: 'smt-surface-',
      prepare: async (db) => (otherId = await addOtherCustomer(db, { status: 'approved' })),
      env: { LOGIN_ATTEMPTS_PER_MINUTE: '100000', LOGIN_FAILURES_PER_ACCOUNT: '100000' },
      workers: [],
      mailSender: false,
      ui: false,
    });
    ({ t, platform, dataDir } = running);
    const demo = (await customersRepo.findCustomerByCode(t.db, DEMO_CUSTOMER.code))!;
    const otherUser = (await usersRepo.findUserForLogin(t.db, 'other@other.test'))!;
    const customerUser = (await usersRepo.findUserForLogin(t.db, 'customer@demo.local'))!;
    records.own = await recordsOf(demo.id, customerUser.id);
    records.other = await recordsOf(otherId, otherUser.id);
    for (const role of ROLES) tokens.set(role, await running.api.login(`${role}@demo.local`));
    tokens.set('other-customer', await running.api.login('other@other.test'));

    const doc = (await (await fetch(`${platform.url}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, OpenApiOperation>>;
      components?: { schemas?: Record<string, JsonSchema> };
    };
    components = doc.components?.schemas ?? {};
    operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m]).map((method) => ({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        doc: item[method] as OpenApiOperation,
      })),
    );
  }, 180_000);

  afterAll(async () => {
    await running?.stop();
  });

  /** The path with its parameters filled from `of`, or from `overrides` by parameter name. */
  function pathFor(op: Operation, of: Records, overrides: Record<string, string> = {}): string {
    const section = op.path.split('/')[2];
    const primary: Record<string, string> = {
      quotes: of.quoteId,
      orders: of.orderId,
      rmas: of.rmaId,
      customers: of.customerId,
      tasks: of.taskId,
    };
    const values: Record<string, string> = {
      id: primary[section] ?? MISSING_ID,
      fileId: of.fileId,
      workflowId: `quote:${of.quoteId}`,
      step: 'customer-decision-r1',
      kind: 'customer-evaluation',
      side: 'top',
      ...overrides,
    };
    return op.path.replace(/\{(\w+)\}/g, (_m, name: string) => encode(values[name] ?? MISSING_ID));
  }

  /** A request that passes validation where it can, so the role and record checks behind it are reached. */
  function sampleBody(op: Operation): { body?: string | FormData; type?: string } {
    if (op.method === 'GET' || op.method === 'DELETE') return {};
    if (op.doc.requestBody?.content['multipart/form-data']) {
      const form = new FormData();
      form.append('comment', 'surface check');
      if (op.path.endsWith('/evidence')) form.append('file', new Blob(['photo']), 'photo.jpg');
      return { body: form };
    }
    const samples: Record<string, unknown> = {
      'POST /api/quotes/{id}/decision': { decision: 'reject', comment: 'surface check' },
      'POST /api/quotes/{id}/cancel': { reason: 'surface check' },
      'POST /api/tasks/{id}/complete': { decision: 'reject', data: {} },
      'POST /api/tasks/{id}/assign': { assigneeId: null },
      'POST /api/rmas/{id}/steps/{step}': { decision: 'done', data: {} },
      'POST /api/rmas/{id}/records/{kind}': { data: { rating: 5 } },
    };
    return { body: JSON.stringify(samples[op.key] ?? {}), type: 'application/json' };
  }

  async function send(
    method: string,
    path: string,
    token: string | undefined,
    request: { body?: string | FormData; type?: string; query?: string },
  ): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (request.type) headers['content-type'] = request.type;
    const res = await fetch(`${platform.url}${path}${request.query ?? ''}`, { method, headers, body: request.body });
    const text = await res.text();
    let body: Answer['body'];
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.status, body };
  }

  const allowedRoles = (rule: AccessRule): readonly Role[] =>
    rule.who === 'anyone' || rule.who === 'signed-in' ? ROLES : rule.who;
  const roleOf = (caller: Caller): Role | undefined =>
    caller === 'anonymous' ? undefined : caller === 'other-customer' ? 'customer' : caller;
  const same = (a: Answer, b: Answer) =>
    a.status === b.status &&
    a.body?.error?.code === b.body?.error?.code &&
    a.body?.error?.message === b.body?.error?.message;

  /** Row counts of every table: what a refused request must leave as it was. */
  async function fingerprint(): Promise<Record<string, number>> {
    const tables = await sql<{
      table_name: string;
    }>`select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(
      t.db,
    );
    const counts: Record<string, number> = {};
    for (const { table_name: name } of tables.rows) {
      const r = await sql<{ n: string }>`select count(*) as n from ${sql.table(name)}`.execute(t.db);
      counts[name] = Number(r.rows[0].n);
    }
    return counts;
  }

  test('every operation has a row in services/access-matrix.ts, and every row an operation', () => {
    const documented = operations.map((o) => o.key).sort();
    expect(documented.filter((k) => !ACCESS_MATRIX[k])).toEqual([]);
    expect(Object.keys(ACCESS_MATRIX).filter((k) => !documented.includes(k))).toEqual([]);
  });

  test('every role, anonymous and another customer get the answer the matrix declares; refused requests change nothing', async () => {
    const callers: Caller[] = ['anonymous', ...ROLES, 'other-customer'];
    interface Case {
      op: Operation;
      caller: Caller;
      of: 'own' | 'other';
      refused: boolean;
    }
    const cases: Case[] = [];
    for (const op of operations) {
      const rule = ACCESS_MATRIX[op.key];
      if (!rule) continue;
      for (const caller of callers) {
        // Another customer's record matters only where records are guarded per customer or task.
        for (const of of rule.records ? (['own', 'other'] as const) : (['own'] as const)) {
          const role = roleOf(caller);
          const ownerOfRecords = caller === 'other-customer' ? (of === 'other' ? 'own' : 'other') : of;
          const refusedByRole = role === undefined ? rule.who !== 'anyone' : !allowedRoles(rule).includes(role);
          const hiddenRecord = rule.records === 'customer' && role === 'customer' && ownerOfRecords === 'other';
          cases.push({ op, caller, of, refused: refusedByRole || hiddenRecord });
        }
      }
    }

    const problems: string[] = [];
    const check = async ({ op, caller, of }: Case) => {
      const rule = ACCESS_MATRIX[op.key];
      const role = roleOf(caller);
      let token = caller === 'anonymous' ? undefined : tokens.get(caller);
      // Logging out ends the session it is called with: a session of its own.
      if (op.key === 'POST /api/auth/logout' && caller !== 'anonymous')
        token = await running.api.login(caller === 'other-customer' ? 'other@other.test' : `${caller}@demo.local`);
      const target = records[of];
      const answer = await send(op.method, pathFor(op, target), token, sampleBody(op));
      const where = `${op.key} as ${caller} on ${of === 'own' ? "the demo customer's" : "another customer's"} record → ${answer.status} ${JSON.stringify(answer.body?.error ?? '')}`;
      if (answer.status >= 500) return problems.push(`${where}: a server error`);
      if (role === undefined) {
        if (rule.who !== 'anyone' && answer.status !== 401) problems.push(`${where}: expected 401`);
        if (rule.who === 'anyone' && answer.status === 401) problems.push(`${where}: expected no sign-in to be needed`);
        return;
      }
      if (!allowedRoles(rule).includes(role)) {
        if (answer.status !== 403) problems.push(`${where}: expected 403 for ${role}`);
        return;
      }
      if (!rule.records) {
        if (answer.status === 401 || answer.status === 403)
          problems.push(`${where}: expected ${role} to be let through`);
        return;
      }
      // Record checks: a record the caller may not see answers exactly like one that does not exist.
      const missing = await send(op.method, pathFor(op, target, { id: MISSING_ID }), token, sampleBody(op));
      const customerOfCaller = caller === 'other-customer' ? records.other.customerId : records.own.customerId;
      const ownsTarget = role !== 'customer' || target.customerId === customerOfCaller;
      // The fixture tasks are customer tasks: seen by the customer they belong to and by overseers.
      const visible =
        rule.records === 'customer' ? ownsTarget : (role === 'customer' || OVERSEER_ROLES.includes(role)) && ownsTarget;
      if (visible) {
        if (same(answer, missing))
          problems.push(`${where}: expected the record to be reached (it answered like a missing one)`);
        if (answer.status === 401 || (answer.status === 403 && !rule.rolesOfTarget))
          problems.push(`${where}: expected ${role} to be let through`);
      } else if (!same(answer, missing)) {
        problems.push(
          `${where}: expected the same answer as for a missing record (${missing.status} ${JSON.stringify(missing.body?.error ?? '')})`,
        );
      }
    };

    /** Runs the checks four at a time: one app, many requests. */
    const run = async (list: Case[]) => {
      const queue = [...list];
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          for (let c = queue.shift(); c; c = queue.shift()) await check(c);
        }),
      );
    };
    const before = await fingerprint();
    await run(cases.filter((x) => x.refused));
    const after = await fingerprint();
    for (const table of Object.keys(after)) {
      if (after[table] !== before[table])
        problems.push(`refused requests changed ${table}: ${before[table]} rows before, ${after[table]} after`);
    }
    await run(cases.filter((x) => !x.refused));
    expect(problems).toEqual([]);
  }, 300_000);

  describe('fuzz', () => {
    /** Values no field accepts in the place they are put. */
    const hostileStrings = fc.constantFrom(
      'a\u0000b',
      'line\u0007bell',
      '\u001b[31mred',
      'x'.repeat(70_000),
      '2026-02-30',
      '2026-13-01',
      'javascript:alert(1)',
      'not-a-uuid',
      '../../etc/passwd',
      "'; drop table users; --",
      '\ud800',
      '%00',
    );
    const wrongTypes = fc.constantFrom<unknown>(
      null,
      -1,
      1.5e308,
      true,
      [],
      [1, 2],
      { nested: { deeper: ['x'] } },
      '',
      'x'.repeat(70_000),
      'a\u0000b',
    );

    const resolve = (schema: JsonSchema | undefined): JsonSchema | undefined => {
      if (!schema?.$ref) return schema;
      return resolve(components[schema.$ref.split('/').pop() as string]);
    };
    const propertiesOf = (schema: JsonSchema | undefined): Record<string, JsonSchema> => {
      const s = resolve(schema);
      if (!s) return {};
      return {
        ...s.properties,
        ...Object.assign({}, ...[...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? [])].map(propertiesOf)),
      };
    };
    /** A value the declared schema refuses: the wrong JSON type, or a string breaking its format, pattern or length. */
    const badValueFor = (schema: JsonSchema | undefined, inQuery = false): fc.Arbitrary<unknown> => {
      const s = resolve(schema);
      const types = ([] as (string | undefined)[]).concat(s?.type);
      if (types.includes('string') && inQuery) {
        // Every query value is a string: only what breaks a string is wrong here.
        const broken: string[] = ['a\u0000b'];
        if (s?.format === 'date') broken.push('2026-02-30');
        if (s?.format === 'uuid') broken.push('not-a-uuid');
        if (s?.maxLength !== undefined) broken.push('x'.repeat(s.maxLength + 1));
        if ((s as { enum?: unknown[] })?.enum) broken.push('no-such-value');
        return fc.constantFrom(...broken);
      }
      if (types.includes('string')) {
        const broken: string[] = ['a\u0000b'];
        if (s?.format === 'date') broken.push('2026-02-30', '2026-13-01');
        if (s?.format === 'uuid') broken.push('not-a-uuid', '00000000-0000-0000-0000');
        if (s?.format === 'uri') broken.push('javascript:alert(1)');
        if (s?.format === 'date-time') broken.push('2026-02-30T10:00:00Z');
        if (s?.maxLength !== undefined) broken.push('x'.repeat(s.maxLength + 1));
        return fc.oneof(fc.constantFrom(...broken), fc.constantFrom<unknown>(12345, true, { a: 1 }, [1]));
      }
      if (types.includes('integer') || types.includes('number'))
        return fc.constantFrom<unknown>('twelve', 'a\u0000b', true, { n: 1 }, [3]);
      if (types.includes('boolean')) return fc.constantFrom<unknown>('yes please', 7, { b: true });
      if (types.includes('array')) return fc.constantFrom<unknown>('not a list', 5, { a: 1 });
      if (types.includes('object')) return fc.constantFrom<unknown>('not an object', 5, [1, 2]);
      return fc.constantFrom<unknown>('a\u0000b');
    };

    interface BadRequest {
      label: string;
      path?: string;
      query?: string;
      body?: string;
      type?: string;
    }

    /** Bad requests for one operation: a bad path parameter, a bad query, or a bad body. */
    function badRequests(op: Operation): fc.Arbitrary<BadRequest> {
      const options: fc.Arbitrary<BadRequest>[] = [];
      const pathParams = (op.doc.parameters ?? []).filter((p) => p.in === 'path');
      if (pathParams.length) {
        options.push(
          fc.tuple(fc.constantFrom(...pathParams.map((p) => p.name)), hostileStrings).map(([name, value]) => ({
            label: `path ${name}=${JSON.stringify(value.slice(0, 40))}`,
            path: pathFor(op, records.own, { [name]: value }),
          })),
        );
      }
      const queryParams = (op.doc.parameters ?? []).filter((p) => p.in === 'query');
      if (queryParams.length) {
        options.push(
          fc.constantFrom(...queryParams).chain((p) =>
            badValueFor(p.schema, true).map((value) => ({
              label: `query ${p.name}=${JSON.stringify(value)?.slice(0, 40)}`,
              query: `?${p.name}=${encode(typeof value === 'string' ? value : JSON.stringify(value))}`,
            })),
          ),
        );
      }
      const json = op.doc.requestBody?.content['application/json']?.schema;
      if (json) {
        const props = Object.entries(propertiesOf(json));
        if (props.length) {
          options.push(
            fc.constantFrom(...props).chain(([name, schema]) =>
              badValueFor(schema).map((value) => ({
                label: `body.${name}=${JSON.stringify(value)?.slice(0, 40)}`,
                body: JSON.stringify({ [name]: value }),
                type: 'application/json',
              })),
            ),
          );
        }
        options.push(
          wrongTypes.map((value) => ({
            label: `body ${JSON.stringify(value)?.slice(0, 40)}`,
            body: JSON.stringify(value),
            type: 'application/json',
          })),
        );
        options.push(
          fc
            .constantFrom('{"a":', '{"a":1}}', '\u0000', 'null')
            .map((text) => ({ label: `raw body ${JSON.stringify(text)}`, body: text, type: 'application/json' })),
        );
      }
      if (op.doc.requestBody?.content['multipart/form-data']) {
        options.push(
          fc.constantFrom(
            { label: 'multipart without boundary', body: '--b\r\n\r\n', type: 'multipart/form-data' },
            {
              label: 'truncated multipart',
              body: '--b\r\nContent-Disposition: form-data; name="gerber"; filename="a.zip"\r\n\r\nPK',
              type: 'multipart/form-data; boundary=b',
            },
            {
              label: 'NUL in a part header',
              body: '--b\r\nContent-Disp\u0000osition: form-data; name="x"\r\n\r\n1\r\n--b--\r\n',
              type: 'multipart/form-data; boundary=b',
            },
            {
              label: 'NUL in a text field',
              body: '--b\r\nContent-Disposition: form-data; name="quantity"\r\n\r\n1\u00002\r\n--b--\r\n',
              type: 'multipart/form-data; boundary=b',
            },
            { label: 'JSON where a form is expected', body: '{"quantity":5}', type: 'application/json' },
          ),
        );
      }
      if (!options.length)
        options.push(
          hostileStrings.map((value) => ({
            label: `unknown query x=${JSON.stringify(value.slice(0, 40))}`,
            query: `?x=${encode(value)}&x=%00`,
          })),
        );
      return fc.oneof(...options);
    }

    /** A caller the matrix lets in, so validation behind the role check is reached. */
    function callerFor(rule: AccessRule): Caller {
      if (rule.who === 'anyone') return 'anonymous';
      if (rule.who === 'signed-in') return 'admin';
      return rule.who.includes('admin') ? 'admin' : rule.who[0];
    }

    test('every operation answers bad input with a 4xx naming the problem, never a 5xx', async () => {
      const failures: string[] = [];
      for (const op of operations) {
        const rule = ACCESS_MATRIX[op.key];
        // Logging out ends the caller's session whatever the body; it has no input to fuzz.
        if (!rule || op.key === 'POST /api/auth/logout') continue;
        const caller = callerFor(rule);
        await fc.assert(
          fc.asyncProperty(badRequests(op), async (bad) => {
            const answer = await send(
              op.method,
              bad.path ?? pathFor(op, records.own),
              caller === 'anonymous' ? undefined : tokens.get(caller),
              {
                body: op.method === 'GET' ? undefined : bad.body,
                type: op.method === 'GET' ? undefined : bad.type,
                query: bad.query,
              },
            );
            const shaped =
              typeof answer.body?.error?.code === 'string' && typeof answer.body?.error?.message === 'string';
            if (answer.status < 400 || answer.status >= 500 || !shaped) {
              failures.push(
                `${op.key} as ${caller}, ${bad.label} → ${answer.status} ${JSON.stringify(answer.body)?.slice(0, 200)}`,
              );
            }
          }),
          { seed: 15, numRuns: 12, endOnFailure: true },
        );
      }
      expect(failures).toEqual([]);
    }, 300_000);
  });
});
