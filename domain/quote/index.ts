/**
 * The quote engine's pure API. Workflows should import `domain/quote/pricing` directly (it has no
 * library dependencies); the analysis parts pull in csv-parse and whats-that-gerber.
 */
export { analyzeUpload, DEFAULT_ANALYSIS_LIMITS, platingFromName, countFiducials } from './analyze';
export type { QuoteAnalysis, UploadedFile, TableInput, AnalysedLayer, AnalysedPart, AnalysisLimits } from './analyze';
export { parseBom, summariseBom, partKey, BOM_COLUMNS } from './bom';
export type { BomLine, BomSummary, ParsedBom } from './bom';
export { parsePlacement, normaliseSide, parseLength, CPL_COLUMNS } from './placement';
export type { Placement, ParsedPlacement } from './placement';
export { measureGerber, ParseTimeoutError } from './gerber';
export type { GerberMeasure } from './gerber';
export { parseExcellon, looksLikeExcellon } from './excellon';
export { identifyLayers, sniffFormat, typeFromFileFunction } from './layers';
export type { LayerIdentity, LayerFormat, LayerType, LayerSide } from './layers';
export { expandDesignators } from './designators';
export { isThroughHole, estimatePins } from './footprint';
export { readTextTable, InputRejectedError } from './table';
export type { QuoteIssue, TableRow } from './table';
export { priceQuote, addDays } from './pricing';
export type { PricedQuote, QuoteOptions, LineItem } from './pricing';
export { PricingRules, Catalog } from './pricing-rules';
export { toCsv, csvCell } from './csv-export';
export { missingFiles, assemblyWanted, DECLARABLE_ABSENT_LAYERS } from './file-set';
export type { MissingFile, MissingFileCode, FileSetRequest, DeclarableAbsentLayer, SuppliedBy } from './file-set';
