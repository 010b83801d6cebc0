/** The files of a quote: the issued PDF, each uploaded file, and the drawn preview of the board. */
import { existsSync } from 'node:fs';
import type { Router } from 'express';
import { z } from 'zod';
import type { ServiceDeps } from '../../infra/http/service-deps';
import { validate } from '../../infra/http/validate';
import { AUTHENTICATED, errorResponses } from '../../infra/http/openapi';
import { actorOf, requireAuth } from '../../infra/auth/middleware';
import { NotFoundError } from '../../infra/http/errors';
import { listQuoteFiles } from '../../infra/db/repositories/quotes';
import { boardPreviewPath, boardPreviewsDir, quoteDocumentsDir, quotePdfPath } from '../../infra/files/quote-files';
import { PdfQuery, QuoteIdParams } from './schemas';
import type { QuoteFor } from './router';

const QuoteFileParams = QuoteIdParams.extend({ fileId: z.uuid() });
const PreviewParams = QuoteIdParams.extend({ side: z.enum(['top', 'bottom']) });
type PreviewParams = z.infer<typeof PreviewParams>;
type QuoteFileParams = z.infer<typeof QuoteFileParams>;

/** Adds the download routes; `quoteFor` answers 404 for a quote the actor may not see. */
export function registerFileRoutes(router: Router, deps: ServiceDeps, quoteFor: QuoteFor): void {
  const { db, openapi } = deps;
  const documentsDir = quoteDocumentsDir(deps.config.dataDir);

  router.get('/quotes/:id/pdf', requireAuth, validate({ params: QuoteIdParams, query: PdfQuery }), async (req, res) => {
    const actor = actorOf(req);
    const quote = await quoteFor(actor, (req.params as QuoteIdParams).id);
    const revision = (req.query as { revision?: number }).revision ?? quote.current_revision;
    const path = quotePdfPath(documentsDir, quote.reference, revision);
    if (!existsSync(path)) throw new NotFoundError(`PDF of revision ${revision} (the quote is not issued yet)`);
    res.type('application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="${quote.reference}-r${revision}.pdf"`);
    res.sendFile(path);
  });

  router.get('/quotes/:id/files/:fileId', requireAuth, validate({ params: QuoteFileParams }), async (req, res) => {
    const actor = actorOf(req);
    const params = req.params as QuoteFileParams;
    const quote = await quoteFor(actor, params.id);
    // Looked up within the quote, so a file id of another quote is simply not found here.
    const file = (await listQuoteFiles(db, quote.id)).find((f) => f.id === params.fileId);
    if (!file || !existsSync(file.storage_path)) throw new NotFoundError('file');
    res.attachment(file.filename);
    res.sendFile(file.storage_path);
  });

  router.get('/quotes/:id/preview/:side', requireAuth, validate({ params: PreviewParams }), async (req, res) => {
    const actor = actorOf(req);
    const params = req.params as PreviewParams;
    const quote = await quoteFor(actor, params.id);
    // The Gerbers of the newest revision that has any (a revision may send only a new quantity).
    const gerber = (await listQuoteFiles(db, quote.id))
      .filter((f) => f.kind === 'gerber' && existsSync(f.storage_path))
      .sort((a, b) => b.revision - a.revision)[0];
    if (!gerber) throw new NotFoundError('Gerber archive');
    // Drawn by the quote workflow's activity once the files are analysed; until then (or for a board that cannot
    // be drawn) there is none, and the page says so.
    const svg = boardPreviewPath(boardPreviewsDir(deps.config.dataDir), gerber.content_hash, params.side);
    if (!existsSync(svg)) throw new NotFoundError('a drawn board preview');
    // Drawn by us from the Gerbers' geometry; still, nothing in it may load or run anything.
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.setHeader('Cache-Control', 'private, max-age=86400');
    res.type('image/svg+xml');
    res.sendFile(svg);
  });

  openapi.registerPath({
    method: 'get',
    path: '/api/quotes/{id}/pdf',
    tags: ['quotes'],
    summary: 'The issued quote as PDF (latest revision unless ?revision=)',
    security: AUTHENTICATED,
    request: { params: QuoteIdParams, query: PdfQuery },
    responses: {
      200: { description: 'PDF', content: { 'application/pdf': { schema: z.string().meta({ format: 'binary' }) } } },
      ...errorResponses(400, 401, 404),
    },
  });
  openapi.registerPath({
    method: 'get',
    path: '/api/quotes/{id}/files/{fileId}',
    tags: ['quotes'],
    summary: 'One uploaded file of the quote (Gerber zip, BOM, placement) as an attachment with its original name',
    security: AUTHENTICATED,
    request: { params: QuoteFileParams },
    responses: {
      200: {
        description: 'The stored bytes',
        content: { 'application/octet-stream': { schema: z.string().meta({ format: 'binary' }) } },
      },
      ...errorResponses(400, 401, 404),
    },
  });
  openapi.registerPath({
    method: 'get',
    path: '/api/quotes/{id}/preview/{side}',
    tags: ['quotes'],
    summary:
      "A render of the board's top or bottom from the uploaded Gerbers (SVG, drawn once and cached); 404 when the files cannot be drawn",
    security: AUTHENTICATED,
    request: { params: PreviewParams },
    responses: {
      200: { description: 'SVG', content: { 'image/svg+xml': { schema: z.string() } } },
      ...errorResponses(400, 401, 404),
    },
  });
}
