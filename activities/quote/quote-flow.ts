/**
 * The quote workflow's side effects: analysis and pricing through the quote engine, the engineer's price
 * adjustments, issuing (PDF + email to the customer), and the projection of the quote's stage into the
 * database the lists read. Every one is idempotent: re-running it leaves the same rows, files and outbox.
 */
import { readFile } from 'node:fs/promises';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../../infra/db/database';
import { json } from '../../infra/db/database';
import { recordAudit } from '../../infra/db/repositories/audit';
import { getCustomer } from '../../infra/db/repositories/customers';
import { getUser } from '../../infra/db/repositories/users';
import {
  addQuoteRevision,
  getQuote,
  listQuoteFiles,
  listQuoteRevisions,
  latestQuoteAnalysisResult,
  saveQuoteAnalysis,
  setQuoteStatus,
  updateQuote,
  updateQuoteRevision,
} from '../../infra/db/repositories/quotes';
import type { LineItem, PricedQuote } from '../../domain/quote/pricing';
import { formatMoney } from '../../domain/shared/money';
import type { LineItemAdjustment, QuoteActor, QuoteRequestOptions, QuoteStage } from '../../domain/quote/contract';
import { DateTime } from 'luxon';
import { applyLineItemAdjustments, priceChanges, type QuoteApproval } from '../../domain/quote/review';
import { createQuoteActivities, type QuoteActivityDeps } from './index';
import { ArchiveRejectedError } from '../../infra/files/archive';
import { InputRejectedError } from '../../domain/quote/table';
import { createMailActivities } from '../mail';
import { loadPricingRules } from './pricing-config';
import { priceChangeApprovalReasons } from '../../domain/quote/price-approval';
import type { PricingRules } from '../../domain/quote/pricing-rules';
import { withHeartbeat } from '../../infra/temporal/heartbeat';
import { drawBoardPreview } from './board-preview';

/** What the quote-flow activities need from the worker. */
export interface QuoteFlowDeps {
  db: Db;
  /** Where issued quote PDFs are written. */
  documentsDir: string;
  /** Where board previews are drawn (`boardPreviewsDir(DATA_DIR)`); without it no preview is drawn. */
  previewsDir?: string;
  /** Passed through to the quote engine (rules, catalog, limits). */
  engine?: Omit<QuoteActivityDeps, 'documentsDir'>;
  /** Base URL of the portal, for links in emails. */
  publicUrl?: string;
  /** The factory's time zone: quote dates are the factory's calendar dates (default Asia/Shanghai). */
  timeZone?: string;
}

/** The engineering review an issued quote states (the workflow passes who decided and when). */
export interface IssuedReview {
  by: QuoteActor;
  /** ISO timestamp of the decision. */
  at: string;
  /** The second approver of a price change that needed one. */
  secondApproval?: { by: QuoteActor; at: string };
}

/** The outcome of analysing and pricing one revision, small enough for workflow history. */
export interface RevisionPricing {
  autoQuoteAllowed: boolean;
  reviewReasons: string[];
  totalFen: number | null;
  currency: string | null;
  dfmErrors: number;
  dfmWarnings: number;
}

/** Builds the quote-flow activities. */
export function createQuoteFlowActivities(deps: QuoteFlowDeps) {
  const { db } = deps;
  const engine = createQuoteActivities({ ...deps.engine, documentsDir: deps.documentsDir });
  const mail = createMailActivities({ db });
  const timeZone = deps.timeZone ?? 'Asia/Shanghai';
  let rules: Promise<PricingRules> | null = null;
  const pricingRules = () => (rules ??= deps.engine?.rules ? Promise.resolve(deps.engine.rules) : loadPricingRules());
  /** A calendar date in the factory's zone (a quote issued at 01:00 in Shenzhen is dated that day, not the UTC day before). */
  const factoryDate = (at: Date | string) => DateTime.fromJSDate(new Date(at), { zone: timeZone }).toISODate() ?? '';

  /** A person as the issued quote names them: display name and role, never their email or id. */
  async function signatory(actor: QuoteActor) {
    const user = await getUser(db, actor.userId);
    return { name: user?.displayName || actor.role, role: actor.role };
  }

  async function quoteOrFail(quoteId: string) {
    const quote = await getQuote(db, quoteId);
    if (!quote) throw ApplicationFailure.nonRetryable(`quote ${quoteId} does not exist`, 'QuoteNotFound');
    return quote;
  }

  /** The files of a revision; a revision asked with comments only reuses the latest earlier files. */
  async function filesFor(quoteId: string, revision: number) {
    const all = await listQuoteFiles(db, quoteId);
    const upTo = all.filter((f) => f.revision <= revision);
    const latest = Math.max(0, ...upTo.filter((f) => f.kind === 'gerber').map((f) => f.revision));
    if (!latest)
      throw ApplicationFailure.nonRetryable(
        `quote ${quoteId} has no Gerber archive up to revision ${revision}`,
        'NoFiles',
      );
    const of = (kind: 'gerber' | 'bom' | 'cpl') => upTo.filter((f) => f.revision === latest && f.kind === kind)[0];
    return { gerber: of('gerber'), bom: of('bom'), cpl: of('cpl') };
  }

  const activities = {
    /** Draws the board of the revision's Gerbers, top and bottom, for the quote page (see board-preview.ts). */
    async drawQuoteBoardPreview(input: { quoteId: string; revision: number }): Promise<{ drawn: boolean }> {
      if (!deps.previewsDir) return { drawn: false };
      const { gerber } = await filesFor(input.quoteId, input.revision);
      return drawBoardPreview(deps.previewsDir, { path: gerber.storage_path, sha256: gerber.content_hash });
    },

    /** Analyses and prices one revision with the quote engine and stores both (replacing an earlier run). */
    async analyseQuoteRevision(input: {
      quoteId: string;
      revision: number;
      quantity: number;
      options: QuoteRequestOptions;
    }): Promise<RevisionPricing> {
      const quote = await quoteOrFail(input.quoteId);
      const files = await filesFor(input.quoteId, input.revision);
      await addQuoteRevision(db, {
        quote_id: quote.id,
        revision: input.revision,
        quantity: input.quantity,
        options: json(input.options),
      });
      let analysis;
      try {
        analysis = await engine.analyzeQuoteFiles({
          gerbers: { name: files.gerber.filename, data: await readStored(files.gerber.storage_path) },
          bom: files.bom ? { name: files.bom.filename, data: await readStored(files.bom.storage_path) } : null,
          cpl: files.cpl ? { name: files.cpl.filename, data: await readStored(files.cpl.storage_path) } : null,
        });
      } catch (error) {
        if (error instanceof ArchiveRejectedError || error instanceof InputRejectedError) {
          // Refused files are a reason for review (the engineer asks for corrected files), not a failure.
          const reason = `files refused (${error.code}): ${error.message}`;
          await saveQuoteAnalysis(db, {
            quote_id: quote.id,
            revision: input.revision,
            kind: 'board',
            result: json({ refused: { code: error.code, message: error.message } }),
            dfm_errors: 1,
            dfm_warnings: 0,
          });
          await updateQuoteRevision(db, quote.id, input.revision, {
            auto_quote_allowed: false,
            price_breakdown: null,
            total_fen: null,
            note: reason,
          });
          return {
            autoQuoteAllowed: false,
            reviewReasons: [reason],
            totalFen: null,
            currency: null,
            dfmErrors: 1,
            dfmWarnings: 0,
          };
        }
        throw error;
      }
      const dfmErrors = analysis.issues.filter((i) => i.severity === 'error').length;
      const dfmWarnings = analysis.issues.filter((i) => i.severity === 'warning').length;
      await saveQuoteAnalysis(db, {
        quote_id: quote.id,
        revision: input.revision,
        kind: 'board',
        result: json(analysis),
        dfm_errors: dfmErrors,
        dfm_warnings: dfmWarnings,
      });
      const priced = await engine.priceQuoteActivity({
        analysis,
        options: { ...input.options, quantity: input.quantity, quotedOn: factoryDate(new Date()) },
      });
      const autoQuoteAllowed = priced.status === 'quoted';
      await updateQuoteRevision(db, quote.id, input.revision, {
        price_breakdown: json(priced),
        total_fen: priced.totalFen,
        auto_quote_allowed: autoQuoteAllowed,
        note: priced.reviewReasons.join('; ') || null,
      });
      await updateQuote(db, quote.id, { currency: priced.currency, updated_at: new Date() });
      return {
        autoQuoteAllowed,
        reviewReasons: priced.reviewReasons,
        totalFen: priced.totalFen,
        currency: priced.currency,
        dfmErrors,
        dfmWarnings,
      };
    },

    /**
     * Applies the reviewing engineer's line-item prices to the revision's stored price (no adjustments: back to the
     * engine's price) and says why the change needs a second person's approval (empty: it stands alone).
     */
    async applyReviewAdjustments(input: {
      quoteId: string;
      revision: number;
      adjustments: LineItemAdjustment[];
    }): Promise<{ ok: true; totalFen: number; approvalReasons: string[] } | { ok: false; reason: string }> {
      const revision = (await listQuoteRevisions(db, input.quoteId)).find((r) => r.revision === input.revision);
      const priced = revision?.price_breakdown as unknown as PricedQuote | null | undefined;
      if (!priced)
        throw ApplicationFailure.nonRetryable(
          `revision ${input.revision} of quote ${input.quoteId} has no price to adjust`,
          'NoPrice',
        );
      // Adjusting from the engine's original lines keeps a retried activity from compounding changes.
      const original = ((priced as PricedQuote & { engineLineItems?: LineItem[] }).engineLineItems ??
        priced.lineItems) as LineItem[];
      const result = applyLineItemAdjustments(original, input.adjustments);
      // A person's mistake, answered by asking again rather than failing the workflow.
      if (!result.ok) return { ok: false, reason: result.reason };
      const adjusted = {
        ...priced,
        engineLineItems: original,
        lineItems: result.lineItems,
        totalFen: result.totalFen,
        perBoardFen: Math.round(result.totalFen / priced.quantity),
        adjustments: input.adjustments,
      };
      await updateQuoteRevision(db, input.quoteId, input.revision, {
        price_breakdown: json(adjusted),
        total_fen: result.totalFen,
      });
      const approvalReasons = priceChangeApprovalReasons({
        engineLines: original,
        adjustedLines: result.lineItems,
        approvals: (await pricingRules()).approvals,
      });
      return { ok: true, totalFen: result.totalFen, approvalReasons };
    },

    /** Renders the revision's PDF and emails the customer's users that the quote is ready. */
    async issueQuote(input: {
      workflowId: string;
      quoteId: string;
      revision: number;
      validUntil: string;
      review?: IssuedReview | null;
    }): Promise<{ pdf: string; recipients: string[] }> {
      const quote = await quoteOrFail(input.quoteId);
      const customer = await getCustomer(db, quote.customer_id);
      const revision = (await listQuoteRevisions(db, quote.id)).find((r) => r.revision === input.revision);
      const priced = revision?.price_breakdown as unknown as PricedQuote | null | undefined;
      if (!priced)
        throw ApplicationFailure.nonRetryable(
          `revision ${input.revision} of quote ${quote.id} has no price`,
          'NoPrice',
        );
      const analysisResult = await latestQuoteAnalysisResult(db, quote.id, input.revision);
      const issuedOn = factoryDate(new Date());
      let approval: QuoteApproval | undefined;
      if (input.review) {
        const engineLines =
          (priced as PricedQuote & { engineLineItems?: LineItem[] }).engineLineItems ?? priced.lineItems;
        const second = input.review.secondApproval;
        approval = {
          reviewedBy: await signatory(input.review.by),
          reviewedOn: factoryDate(input.review.at),
          reasons: priced.reviewReasons,
          changes: priceChanges(engineLines, priced.lineItems),
          ...(second ? { secondApproval: { ...(await signatory(second.by)), on: factoryDate(second.at) } } : {}),
        };
      }
      const issued: PricedQuote = {
        ...priced,
        quotedOn: issuedOn,
        validUntil: factoryDate(input.validUntil),
        ...(approval ? { approval } : {}),
      };
      await updateQuoteRevision(db, quote.id, input.revision, { price_breakdown: json(issued) });
      await updateQuote(db, quote.id, { valid_until: input.validUntil, updated_at: new Date() });
      const analysis = (analysisResult ?? {}) as Record<string, unknown>;
      const pdf = await engine.renderQuotePdfActivity({
        quoteNumber: `${quote.reference}-r${input.revision}`,
        customer: { name: customer?.name ?? 'Customer', reference: quote.reference },
        analysis: {
          board: analysis.board as never,
          drill: analysis.drill as never,
          bom: (analysis.bom ?? null) as never,
          placement: (analysis.placement ?? null) as never,
          issues: (analysis.issues ?? []) as never,
          inputs: analysis.inputs as never,
          inputHash: analysis.inputHash as never,
        },
        quote: issued,
      });
      const link = deps.publicUrl
        ? `${deps.publicUrl}/api/quotes/${quote.id}/pdf?revision=${input.revision}`
        : `/api/quotes/${quote.id}/pdf?revision=${input.revision}`;
      const { recipients } = await mail.mailRoles({
        idempotencyKey: `${input.workflowId}:issued-r${input.revision}`,
        customerId: quote.customer_id,
        template: 'quote-issued',
        // In English and Chinese, as every customer email; the total as money, the day in the factory's calendar.
        subject: `Your quotation ${quote.reference} (revision ${input.revision}) is ready / 您的报价单 ${quote.reference}（第 ${input.revision} 版）已出具`,
        text: [
          `Quotation ${quote.reference}, revision ${input.revision}, for ${priced.quantity} boards.`,
          `Total: ${formatMoney(issued.totalFen, issued.currency, 'en')}.`,
          `Valid until ${issued.validUntil}.`,
          'Accept, ask for a revision or reject it in the portal.',
          '',
          `报价单 ${quote.reference}，第 ${input.revision} 版，${priced.quantity} 块板。`,
          `总价：${formatMoney(issued.totalFen, issued.currency, 'zh')}。`,
          `有效期至 ${issued.validUntil}。`,
          '请在客户门户接受报价、要求修改或拒绝。',
          '',
          `PDF: ${link}`,
        ].join('\n'),
      });
      return { pdf: pdf.path, recipients };
    },

    /** Keeps the quotes table's status in step with the workflow; audited only when it changes. */
    async projectQuoteStage(input: {
      quoteId: string;
      stage: QuoteStage;
      revision: number;
      validUntil?: string | null;
    }): Promise<{ changed: boolean }> {
      return db.transaction().execute(async (trx) => {
        const change = await setQuoteStatus(trx, input.quoteId, input.stage);
        if (!change) throw ApplicationFailure.nonRetryable(`quote ${input.quoteId} does not exist`, 'QuoteNotFound');
        if (input.validUntil) await updateQuote(trx, input.quoteId, { valid_until: input.validUntil });
        if (change.before === change.after) return { changed: false };
        await recordAudit(trx, {
          actorId: null,
          actorRole: 'workflow',
          action: 'quote.stage',
          entityType: 'quote',
          entityId: input.quoteId,
          before: { status: change.before },
          after: { status: change.after, revision: input.revision },
        });
        return { changed: true };
      });
    },
  };
  // File work heartbeats, so a worker lost mid-analysis or mid-PDF is retried within seconds (FILE_WORK).
  return {
    ...activities,
    analyseQuoteRevision: (input: Parameters<typeof activities.analyseQuoteRevision>[0]) =>
      withHeartbeat(() => activities.analyseQuoteRevision(input)),
    issueQuote: (input: Parameters<typeof activities.issueQuote>[0]) =>
      withHeartbeat(() => activities.issueQuote(input)),
    drawQuoteBoardPreview: (input: Parameters<typeof activities.drawQuoteBoardPreview>[0]) =>
      withHeartbeat(() => activities.drawQuoteBoardPreview(input)),
  };
}

function readStored(path: string): Promise<Buffer> {
  return readFile(path);
}

/** The quote-flow activities as workflows see them. */
export type QuoteFlowActivities = ReturnType<typeof createQuoteFlowActivities>;
