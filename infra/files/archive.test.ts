import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArchiveRejectedError, DEFAULT_ARCHIVE_LIMITS, readFolder, readZip } from './archive';
import { makeZip } from '../../activities/quote/test-support/make-zip';

const rejection = async (promise: Promise<unknown>) => {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ArchiveRejectedError);
  return err as ArchiveRejectedError;
};

describe('readZip', () => {
  it('extracts nested folders and skips OS junk', async () => {
    const files = await readZip(
      makeZip([
        { name: 'project/' },
        { name: 'project/gerber/board.GTL', data: 'G04 top*\n' },
        { name: 'project/drill/board.drl', data: 'M48\n', store: true },
        { name: '__MACOSX/project/._board.GTL', data: 'junk' },
        { name: 'project/.DS_Store', data: 'junk' },
      ]),
    );
    expect(files.map((f) => [f.file, f.data.toString()])).toEqual([
      ['project/gerber/board.GTL', 'G04 top*\n'],
      ['project/drill/board.drl', 'M48\n'],
    ]);
  });

  it.each([
    ['../evil.GTL', 'archive-path-unsafe', /"..\/evil.GTL" climbs out/],
    ['gerber/../../evil.GTL', 'archive-path-unsafe', /climbs out/],
    ['/etc/passwd', 'archive-path-unsafe', /"\/etc\/passwd" has an absolute path/],
    ['C:\\Windows\\evil.GTL', 'archive-path-unsafe', /absolute path/],
  ])('rejects the entry %j', async (name, code, message) => {
    const err = await rejection(
      readZip(
        makeZip([
          { name: 'ok.GTL', data: 'x' },
          { name, data: 'x' },
        ]),
      ),
    );
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
  });

  it('rejects symbolic links', async () => {
    const err = await rejection(readZip(makeZip([{ name: 'link.GTL', data: '/etc/passwd', symlink: true }])));
    expect(err).toMatchObject({ code: 'archive-symlink' });
    expect(err.message).toContain('link.GTL');
  });

  it('checks entry count, total size and compression ratio before extracting', async () => {
    const many = makeZip(Array.from({ length: 6 }, (_, i) => ({ name: `f${i}.gbr`, data: 'x' })));
    expect((await rejection(readZip(many, { ...DEFAULT_ARCHIVE_LIMITS, maxEntries: 5 }))).code).toBe(
      'archive-too-many-entries',
    );

    const big = makeZip([
      { name: 'a.gbr', data: Buffer.alloc(600, 65) },
      { name: 'b.gbr', data: Buffer.alloc(600, 66) },
    ]);
    expect((await rejection(readZip(big, { ...DEFAULT_ARCHIVE_LIMITS, maxTotalBytes: 1000 }))).code).toBe(
      'archive-too-large',
    );
    expect((await rejection(readZip(big, { ...DEFAULT_ARCHIVE_LIMITS, maxEntryBytes: 500 }))).code).toBe(
      'archive-entry-too-large',
    );

    const bomb = makeZip([{ name: 'zeros.gbr', data: Buffer.alloc(4 * 1024 * 1024) }]);
    const err = await rejection(readZip(bomb));
    expect(err.code).toBe('archive-compression-ratio');
    expect(err.message).toMatch(/zeros\.gbr" expands \d+:1/);
  });

  it('does not trust a size header that lies', async () => {
    const liar = makeZip([{ name: 'liar.gbr', data: Buffer.alloc(5000, 65), declaredSize: 10 }]);
    const err = await rejection(readZip(liar));
    expect(err.message).toContain('liar.gbr');
  });

  it('refuses what is not a zip', async () => {
    expect((await rejection(readZip(Buffer.from('not a zip at all, just text')))).code).toBe('archive-corrupt');
  });
});

describe('readFolder', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quote-folder-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads nested files with forward-slash paths', async () => {
    await mkdir(join(dir, 'gerber'));
    await writeFile(join(dir, 'gerber', 'b.GTL'), 'top');
    await writeFile(join(dir, 'b.drl'), 'M48');
    expect((await readFolder(dir)).map((f) => f.file)).toEqual(['b.drl', 'gerber/b.GTL']);
  });

  it('refuses symbolic links and too many files', async () => {
    await writeFile(join(dir, 'a.GTL'), 'x');
    await writeFile(join(dir, 'b.GTL'), 'x');
    expect((await rejection(readFolder(dir, { ...DEFAULT_ARCHIVE_LIMITS, maxEntries: 1 }))).code).toBe(
      'archive-too-many-entries',
    );
    await symlink('/etc/hostname', join(dir, 'link.GBL'));
    const err = await rejection(readFolder(dir));
    expect(err).toMatchObject({ code: 'archive-symlink' });
    expect(err.message).toContain('link.GBL');
  });
});
