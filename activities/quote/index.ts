/**
 * Quote activities for the Temporal worker: `createQuoteActivities(deps)` returns the functions the quote
 * workflow proxies. Each is idempotent: the same input gives the same result and the same files.
 */
import { join } from 'node:path';
import { quoteDocumentName } from '../../infra/files/quote-files';
import { priceQuote, PricedQuote, QuoteOptions } from '../../domain/quote/pricing';
import type { Catalog, PricingRules } from '../../domain/quote/pricing-rules';
import { analyzeFiles, AnalyzedUpload, AnalyzeFilesInput, AnalyzeLimits, DEFAULT_LIMITS } from './analyze-files';
import { loadCatalog, loadPricingRules } from './pricing-config';
import { DEFAULT_FACTORY, FactoryHeader, QuotePdfInput, writeQuotePdf } from './quote-pdf';

export { analyzeFiles, readTable, sha256, DEFAULT_LIMITS } from './analyze-files';
export type { AnalyzedUpload, AnalyzeFilesInput, AnalyzeLimits, HashedInput } from './analyze-files';
export { renderQuotePdf, writeQuotePdf, DEFAULT_FACTORY } from './quote-pdf';
export type { QuotePdfInput, FactoryHeader } from './quote-pdf';
export { loadPricingRules, loadCatalog } from './pricing-config';

/** What the quote activities need from the worker. */
export interface QuoteActivityDeps {
  /** Folder where quote PDFs are written (`<dir>/<quoteNumber>.pdf`). */
  documentsDir: string;
  rules?: PricingRules;
  catalog?: Catalog;
  factory?: FactoryHeader;
  limits?: AnalyzeLimits;
}

/** Builds the quote activities. Rules and catalog default to the versions in config/pricing. */
export function createQuoteActivities(deps: QuoteActivityDeps) {
  let loaded: Promise<{ rules: PricingRules; catalog: Catalog }> | null = null;
  const config = () =>
    (loaded ??= Promise.all([deps.rules ?? loadPricingRules(), deps.catalog ?? loadCatalog()]).then(
      ([rules, catalog]) => ({ rules, catalog }),
    ));
  return {
    /** Reads, hashes and analyses the customer's files. */
    async analyzeQuoteFiles(input: AnalyzeFilesInput): Promise<AnalyzedUpload> {
      return analyzeFiles(input, deps.limits ?? DEFAULT_LIMITS);
    },
    /** Prices an analysis with the rule set in force. */
    async priceQuoteActivity(input: { analysis: AnalyzedUpload; options: QuoteOptions }): Promise<PricedQuote> {
      const { rules, catalog } = await config();
      return priceQuote(input.analysis, input.options, rules, catalog);
    },
    /** Renders the quote PDF to `<documentsDir>/<quoteNumber>.pdf`; re-running rewrites identical bytes. */
    async renderQuotePdfActivity(input: Omit<QuotePdfInput, 'factory'> & { factory?: FactoryHeader }) {
      return writeQuotePdf(
        { ...input, factory: input.factory ?? deps.factory ?? DEFAULT_FACTORY },
        join(deps.documentsDir, quoteDocumentName(input.quoteNumber)),
      );
    },
  };
}
/** The activity functions' type, for `proxyActivities<QuoteActivities>`. */
export type QuoteActivities = ReturnType<typeof createQuoteActivities>;
