// RMA evidence files through a real listening server (the platform's launcher), against PGlite and the real
// PostgreSQL (TEST_DATABASE_URL), with the embedded Temporal server (the RMA is opened through the API, which
// starts its workflow; the evidence endpoints need no worker).
import { createHash, randomUUID } from 'node:crypto';
import { TEST_DB_KINDS, type TestDb } from '../../infra/db/testing';
import { auditRepo } from '../../infra/db';
import type { RunningPlatform } from '../../infra/launcher/platform';
import { RMA_TASK_KINDS } from '../../domain/rma/task-kinds';
import { addOtherCustomer, startTestPlatform, type TestPlatform } from '../platform/helpers';
import { DAY } from './api-helpers';

describe.each(TEST_DB_KINDS)('RMA evidence files on %s', (kind) => {
  let running: TestPlatform;
  let t: TestDb;
  let platform: RunningPlatform;
  let api: TestPlatform['api'];
  let tokens: Record<string, string> = {};

  const complaint = () => ({
    quantity: 3,
    symptoms: 'no boot after reflow',
    productModel: 'CAM-7',
    partNumber: 'PN-7001',
    saleDate: new Date(Date.now() - 30 * DAY).toISOString().slice(0, 10),
  });

  function upload(rmaId: string, token: string | undefined, files: [Buffer, string][]) {
    const form = new FormData();
    for (const [data, name] of files) form.append('file', new Blob([new Uint8Array(data)]), name);
    return fetch(`${platform.url}/api/rmas/${rmaId}/evidence`, {
      method: 'POST',
      headers: token ? { authorization: `Bearer ${token}` } : {},
      body: form,
    });
  }

  function download(path: string, token: string) {
    return fetch(`${platform.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  }

  beforeAll(async () => {
    running = await startTestPlatform({
      dbKind: kind,
      dataDirPrefix: 'smt-rma-evidence-',
      prepare: (db) => addOtherCustomer(db),
      services: ['auth', 'tasks', 'rma'],
      workers: [],
      taskKinds: [...RMA_TASK_KINDS],
      logins: ['buyer@demo.local', 'qa@demo.local', 'sales@demo.local', 'other@other.test'],
    });
    ({ t, platform, api, tokens } = running);
  }, 180_000);

  afterAll(async () => {
    await running?.stop();
  });

  it('stores uploads from the owner and staff, serves them back byte for byte, and keeps others out', async () => {
    const opened = await api.post('/api/rmas', complaint(), tokens.buyer);
    expect(opened.status).toBe(201);
    const rmaId = opened.body.id as string;
    const photo = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7) % 256));
    const report = Buffer.from('site visit: reflow profile out of spec; signed by both parties\n');

    const byCustomer = await upload(rmaId, tokens.buyer, [
      [photo, 'board photo.jpg'],
      [report, 'report.txt'],
    ]);
    expect(byCustomer.status).toBe(201);
    const stored = (
      (await byCustomer.json()) as {
        evidence: { id: string; name: string; sha256: string; bytes: number; download: string }[];
      }
    ).evidence;
    expect(stored.map((e) => [e.name, e.sha256, e.bytes])).toEqual([
      ['board photo.jpg', createHash('sha256').update(photo).digest('hex'), photo.length],
      ['report.txt', createHash('sha256').update(report).digest('hex'), report.length],
    ]);
    expect(stored[0].download).toBe(`/api/rmas/${rmaId}/evidence/${stored[0].id}`);

    const back = await download(stored[0].download, tokens.qa);
    expect(back.status).toBe(200);
    expect(back.headers.get('content-disposition')).toBe('attachment; filename="board photo.jpg"');
    expect(Buffer.from(await back.arrayBuffer()).equals(photo)).toBe(true);
    const own = await download(stored[1].download, tokens.buyer);
    expect(Buffer.from(await own.arrayBuffer()).equals(report)).toBe(true);

    const byStaff = await upload(rmaId, tokens.qa, [[report, 'qa-notes.txt']]);
    expect(byStaff.status).toBe(201);
    const trail = await auditRepo.listAudit(t.db, 'rma_case', rmaId);
    expect(trail.filter((a) => a.action === 'rma.evidence')).toHaveLength(2);

    // Another customer neither uploads to nor reads this RMA; an evidence id is found only within its own RMA.
    expect((await upload(rmaId, tokens.other, [[report, 'x.txt']])).status).toBe(404);
    expect((await download(stored[0].download, tokens.other)).status).toBe(404);
    expect((await download(`/api/rmas/${rmaId}/evidence/${randomUUID()}`, tokens.buyer)).status).toBe(404);
    const theirs = await api.post('/api/rmas', complaint(), tokens.other);
    expect(theirs.status).toBe(201);
    expect((await download(`/api/rmas/${theirs.body.id}/evidence/${stored[0].id}`, tokens.other)).status).toBe(404);
    expect((await download(`/api/rmas/${rmaId}/evidence/..%2F..%2Fsecret`, tokens.buyer)).status).toBe(400);
    expect((await upload(rmaId, undefined, [[report, 'x.txt']])).status).toBe(401);
  }, 60_000);

  it('refuses no files, empty files, too many files and files above 10 MiB, naming the field', async () => {
    const opened = await api.post('/api/rmas', complaint(), tokens.buyer);
    const rmaId = opened.body.id as string;
    const problems = [
      await upload(rmaId, tokens.buyer, []),
      await upload(rmaId, tokens.buyer, [[Buffer.alloc(0), 'empty.jpg']]),
      await upload(
        rmaId,
        tokens.buyer,
        Array.from({ length: 11 }, (_, i): [Buffer, string] => [Buffer.from(`photo ${i}`), `p${i}.jpg`]),
      ),
      await upload(rmaId, tokens.buyer, [[Buffer.alloc(10 * 1024 * 1024 + 1, 1), 'huge.jpg']]),
    ];
    const bodies = await Promise.all(
      problems.map(async (r) => ({
        status: r.status,
        error: ((await r.json()) as { error: { field: string; message: string } }).error,
      })),
    );
    expect(bodies.map((b) => [b.status, b.error.field])).toEqual([
      [400, 'file'],
      [400, 'file'],
      [400, 'file'],
      [400, 'file'],
    ]);
    expect(bodies.map((b) => b.error.message)).toEqual([
      expect.stringMatching(/at least one file/),
      expect.stringMatching(/empty/),
      expect.stringMatching(/at most 10 files/),
      expect.stringMatching(/at most 10485760 bytes/),
    ]);
    // Nothing of the refused uploads was kept.
    expect((await auditRepo.listAudit(t.db, 'rma_case', rmaId)).filter((a) => a.action === 'rma.evidence')).toEqual([]);
  }, 60_000);
});
