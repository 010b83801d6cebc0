// Downloading a quote's uploaded files through a real listening server (the platform's launcher), on the embedded
// Temporal server with the quote worker (the quote page queries the workflow), against PGlite and the real
// PostgreSQL (TEST_DATABASE_URL).
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { TEST_DB_KINDS } from '../../infra/db/testing';
import { type RunningPlatform } from '../../infra/launcher/platform';
import { makeZip } from '../../activities/quote/test-support/make-zip';
import { copperGerber, outlineGerber } from '../../domain/quote/test-support/test-boards';
import { addOtherCustomer, startTestPlatform, type TestPlatform } from '../platform/helpers';

const logger = pino({ level: 'silent' });

describe.each(TEST_DB_KINDS)('quote file downloads on %s', (kind) => {
  let running: TestPlatform;
  let platform: RunningPlatform;
  const tokens: Record<string, string> = {};

  async function call(method: string, path: string, token: string | undefined, body?: FormData | object) {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    let payload: string | FormData | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    return fetch(`${platform.url}${path}`, { method, headers, body: payload });
  }

  beforeAll(async () => {
    running = await startTestPlatform({
      dbKind: kind,
      dataDirPrefix: 'smt-quote-files-',
      prepare: (db) => addOtherCustomer(db, { status: 'approved' }),
      services: ['auth', 'tasks', 'quote', 'customer'],
      workers: ['quote'],
      logger,
      logins: ['buyer@demo.local', 'engineer@demo.local', 'other@other.test'],
    });
    ({ platform } = running);
    Object.assign(tokens, running.tokens);
  }, 180_000);

  afterAll(async () => {
    await running?.stop();
  });

  it('gives the owner and staff the uploaded bytes back under the original name; others and unknown ids get 404', async () => {
    const gerber = makeZip([
      { name: 'board-Edge_Cuts.gbr', data: outlineGerber(40, 20) },
      { name: 'board-F_Cu.gbr', data: copperGerber('Top') },
    ]);
    const bom = Buffer.from('Designator,Quantity,MPN\nR1,1,RC0603FR-0710KL\nC1,1,GRM188R71C104KA01D\n');
    const form = new FormData();
    form.append('quantity', '10');
    form.append('gerber', new Blob([new Uint8Array(gerber)]), 'my board v1.zip');
    form.append('bom', new Blob([new Uint8Array(bom)]), 'bom.csv');
    const created = await call('POST', '/api/quotes', tokens.buyer, form);
    expect(created.status).toBe(201);
    const quoteId = ((await created.json()) as { id: string }).id;

    const detail = (await (await call('GET', `/api/quotes/${quoteId}`, tokens.buyer)).json()) as {
      revisions: { files: { id: string; kind: string; name: string; download: string }[] }[];
    };
    const files = detail.revisions[0].files;
    const zip = files.find((f) => f.kind === 'gerber')!;
    const table = files.find((f) => f.kind === 'bom')!;
    expect(zip).toMatchObject({ name: 'my board v1.zip', download: `/api/quotes/${quoteId}/files/${zip.id}` });

    const downloaded = await call('GET', zip.download, tokens.buyer);
    expect(downloaded.status).toBe(200);
    expect(downloaded.headers.get('content-disposition')).toBe('attachment; filename="my board v1.zip"');
    expect(Buffer.from(await downloaded.arrayBuffer()).equals(gerber)).toBe(true);

    const byStaff = await call('GET', `/api/quotes/${quoteId}/files/${table.id}`, tokens.engineer);
    expect(byStaff.status).toBe(200);
    expect(byStaff.headers.get('content-disposition')).toMatch(/^attachment; filename="?bom\.csv"?$/);
    expect(Buffer.from(await byStaff.arrayBuffer()).equals(bom)).toBe(true);

    // Another customer does not learn the quote exists; a file id is found only within its own quote.
    expect((await call('GET', zip.download, tokens.other)).status).toBe(404);
    expect((await call('GET', `/api/quotes/${quoteId}/files/${randomUUID()}`, tokens.buyer)).status).toBe(404);
    const secondForm = new FormData();
    secondForm.append('quantity', '5');
    secondForm.append('gerber', new Blob([new Uint8Array(gerber)]), 'again.zip');
    const second = ((await (await call('POST', '/api/quotes', tokens.buyer, secondForm)).json()) as { id: string }).id;
    const crossed = await call('GET', `/api/quotes/${second}/files/${zip.id}`, tokens.buyer);
    expect(crossed.status).toBe(404);
    expect(((await crossed.json()) as { error: { message: string } }).error.message).toMatch(/file/);
    expect((await call('GET', `/api/quotes/${quoteId}/files/not-a-uuid`, tokens.buyer)).status).toBe(400);
    expect((await call('GET', zip.download, undefined)).status).toBe(401);
  }, 60_000);
});
