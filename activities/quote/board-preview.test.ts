import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drawBoardPreview } from './board-preview';
import { boardPreviewPath, boardPreviewRefusedPath } from '../../infra/files/quote-files';
import { makeZip } from './test-support/make-zip';

const FIXTURE_BOARD = join(__dirname, '..', '..', '..', 'shared', 'fixtures', 'boards', 'clockblock');

describe('drawBoardPreview', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'board-preview-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const fixtureIt = existsSync(FIXTURE_BOARD) ? it : it.skip;
  fixtureIt(
    'draws both sides of a real board (../shared/fixtures/boards/clockblock; skipped when absent), once',
    async () => {
      const files = readdirSync(FIXTURE_BOARD).filter((f) => /\.(gbr|drl)$/.test(f));
      const archive = join(dir, 'clockblock.zip');
      writeFileSync(archive, makeZip(files.map((name) => ({ name, data: readFileSync(join(FIXTURE_BOARD, name)) }))));
      const previews = join(dir, 'previews');
      expect(await drawBoardPreview(previews, { path: archive, sha256: 'abc' })).toEqual({ drawn: true });
      for (const side of ['top', 'bottom'] as const)
        expect(readFileSync(boardPreviewPath(previews, 'abc', side), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>$/);
      // A retried activity finds the drawing done, even with the archive gone.
      rmSync(archive);
      expect(await drawBoardPreview(previews, { path: archive, sha256: 'abc' })).toEqual({ drawn: true });
    },
  );

  it('remembers an archive without a copper layer as not drawable', async () => {
    const archive = join(dir, 'notes.zip');
    writeFileSync(archive, makeZip([{ name: 'readme.txt', data: Buffer.from('no board here') }]));
    expect(await drawBoardPreview(dir, { path: archive, sha256: 'def' })).toEqual({ drawn: false });
    expect(existsSync(boardPreviewRefusedPath(dir, 'def'))).toBe(true);
    expect(existsSync(boardPreviewPath(dir, 'def', 'top'))).toBe(false);
  });
});
