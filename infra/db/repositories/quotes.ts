import type { Insertable, Selectable, Updateable } from 'kysely';
import type { DbOrTrx } from '../database';
import type { QuoteAnalysesTable, QuoteFilesTable, QuoteRevisionsTable, QuoteRow, QuotesTable } from '../schema';
import { isUuid } from './tasks';

export type QuoteRevision = Selectable<QuoteRevisionsTable>;
export type QuoteFile = Selectable<QuoteFilesTable>;
export type QuoteAnalysis = Selectable<QuoteAnalysesTable>;

export async function createQuote(db: DbOrTrx, quote: Insertable<QuotesTable>): Promise<QuoteRow> {
  return db.insertInto('quotes').values(quote).returningAll().executeTakeFirstOrThrow();
}

export async function getQuote(db: DbOrTrx, id: string): Promise<QuoteRow | undefined> {
  if (!isUuid(id)) return undefined;
  return db.selectFrom('quotes').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findQuoteByReference(db: DbOrTrx, reference: string): Promise<QuoteRow | undefined> {
  return db.selectFrom('quotes').selectAll().where('reference', '=', reference).executeTakeFirst();
}

/** Quotes, newest first; `customerId` restricts to one customer (customer users). */
export async function listQuotes(
  db: DbOrTrx,
  filter: { customerId?: string; status?: string; limit?: number; offset?: number } = {},
): Promise<QuoteRow[]> {
  let q = db.selectFrom('quotes').selectAll();
  if (filter.customerId) q = q.where('customer_id', '=', filter.customerId);
  if (filter.status) q = q.where('status', '=', filter.status);
  return q
    .orderBy('created_at', 'desc')
    .limit(filter.limit ?? 100)
    .offset(filter.offset ?? 0)
    .execute();
}

export async function updateQuote(db: DbOrTrx, id: string, changes: Updateable<QuotesTable>): Promise<void> {
  await db.updateTable('quotes').set(changes).where('id', '=', id).execute();
}

/** Removes a quote with its revisions and files (a request whose workflow could not start). */
export async function deleteQuote(db: DbOrTrx, id: string): Promise<void> {
  await db.deleteFrom('quote_files').where('quote_id', '=', id).execute();
  await db.deleteFrom('quote_revisions').where('quote_id', '=', id).execute();
  await db.deleteFrom('quotes').where('id', '=', id).execute();
}

/** Removes a revision with its files and makes `previous` current again (a revision the workflow refused). */
export async function withdrawQuoteRevision(
  db: DbOrTrx,
  quoteId: string,
  revision: number,
  previous: number,
): Promise<void> {
  await db.deleteFrom('quote_files').where('quote_id', '=', quoteId).where('revision', '=', revision).execute();
  await db.deleteFrom('quote_revisions').where('quote_id', '=', quoteId).where('revision', '=', revision).execute();
  await db
    .updateTable('quotes')
    .set({ current_revision: previous })
    .where('id', '=', quoteId)
    .where('current_revision', '=', revision)
    .execute();
}

/** Sets a quote's status; returns the status before, or undefined when the quote does not exist. */
export async function setQuoteStatus(
  db: DbOrTrx,
  id: string,
  status: string,
): Promise<{ before: string; after: string } | undefined> {
  const before = await db.selectFrom('quotes').select('status').where('id', '=', id).forUpdate().executeTakeFirst();
  if (!before) return undefined;
  await db.updateTable('quotes').set({ status, updated_at: new Date() }).where('id', '=', id).execute();
  return { before: before.status, after: status };
}

/** Adds a revision (idempotent on (quote, revision)) and makes it the quote's current one. */
export async function addQuoteRevision(db: DbOrTrx, revision: Insertable<QuoteRevisionsTable>): Promise<QuoteRevision> {
  await db
    .insertInto('quote_revisions')
    .values(revision)
    .onConflict((oc) => oc.columns(['quote_id', 'revision']).doNothing())
    .execute();
  await db
    .updateTable('quotes')
    .set({ current_revision: revision.revision, updated_at: new Date() })
    .where('id', '=', revision.quote_id)
    .where('current_revision', '<', revision.revision)
    .execute();
  return db
    .selectFrom('quote_revisions')
    .selectAll()
    .where('quote_id', '=', revision.quote_id)
    .where('revision', '=', revision.revision)
    .executeTakeFirstOrThrow();
}

export async function updateQuoteRevision(
  db: DbOrTrx,
  quoteId: string,
  revision: number,
  changes: Updateable<QuoteRevisionsTable>,
): Promise<void> {
  await db
    .updateTable('quote_revisions')
    .set(changes)
    .where('quote_id', '=', quoteId)
    .where('revision', '=', revision)
    .execute();
}

export async function listQuoteRevisions(db: DbOrTrx, quoteId: string): Promise<QuoteRevision[]> {
  return db.selectFrom('quote_revisions').selectAll().where('quote_id', '=', quoteId).orderBy('revision').execute();
}

/** Records an uploaded file; the same content uploaded twice for the same slot is stored once. */
export async function addQuoteFile(db: DbOrTrx, file: Insertable<QuoteFilesTable>): Promise<QuoteFile> {
  await db
    .insertInto('quote_files')
    .values(file)
    .onConflict((oc) => oc.columns(['quote_id', 'revision', 'kind', 'content_hash']).doNothing())
    .execute();
  return db
    .selectFrom('quote_files')
    .selectAll()
    .where('quote_id', '=', file.quote_id)
    .where('revision', '=', file.revision)
    .where('kind', '=', file.kind)
    .where('content_hash', '=', file.content_hash)
    .executeTakeFirstOrThrow();
}

export async function listQuoteFiles(db: DbOrTrx, quoteId: string, revision?: number): Promise<QuoteFile[]> {
  let q = db.selectFrom('quote_files').selectAll().where('quote_id', '=', quoteId);
  if (revision !== undefined) q = q.where('revision', '=', revision);
  return q.orderBy('created_at').execute();
}

/** Stores an analysis result; re-running the same analysis replaces it. */
export async function saveQuoteAnalysis(db: DbOrTrx, analysis: Insertable<QuoteAnalysesTable>): Promise<QuoteAnalysis> {
  return db
    .insertInto('quote_analyses')
    .values(analysis)
    .onConflict((oc) =>
      oc.columns(['quote_id', 'revision', 'kind']).doUpdateSet((eb) => ({
        result: eb.ref('excluded.result'),
        dfm_errors: eb.ref('excluded.dfm_errors'),
        dfm_warnings: eb.ref('excluded.dfm_warnings'),
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listQuoteAnalyses(db: DbOrTrx, quoteId: string, revision: number): Promise<QuoteAnalysis[]> {
  return db
    .selectFrom('quote_analyses')
    .selectAll()
    .where('quote_id', '=', quoteId)
    .where('revision', '=', revision)
    .orderBy('kind')
    .execute();
}

/** The analysis result of the latest revision up to `revision` that has one (a comments-only revision reuses it). */
export async function latestQuoteAnalysisResult(
  db: DbOrTrx,
  quoteId: string,
  revision: number,
): Promise<QuoteAnalysis['result'] | undefined> {
  const row = await db
    .selectFrom('quote_analyses')
    .select('result')
    .where('quote_id', '=', quoteId)
    .where('revision', '<=', revision)
    .orderBy('revision', 'desc')
    .executeTakeFirst();
  return row?.result;
}
