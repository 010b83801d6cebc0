/**
 * The pricing rule set's schema. The rules themselves live in `config/pricing/rules-<version>.json`
 * (documented in config/pricing/README.md); this schema is how a loaded file is checked. Money is integer
 * fen (CNY minor unit), percentages are whole numbers.
 */
import { z } from 'zod';

const fen = z.number().int().nonnegative();
const byRun = z.object({ proofing: fen, volume: fen });

export const LayerPrice = z.object({
  engineeringFen: fen.describe('one-off fabrication engineering (CAM) fee per order'),
  perCm2Fen: byRun.describe('board area price per cm² per board'),
  minimumFen: fen.describe('lowest fabrication charge per order'),
});

export const PricingRules = z.object({
  version: z.string().min(1),
  effectiveFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  currency: z.literal('CNY'),
  usdRate: z.number().positive().describe('CNY per USD'),
  validityDays: z.number().int().positive(),
  proofingMaxQuantity: z.number().int().positive(),
  defaultQuantityBreaks: z.array(z.number().int().positive()).min(1),
  pcb: z.object({
    byCopperLayers: z.record(z.string().regex(/^\d+$/), LayerPrice),
    quantityFactors: z
      .array(z.object({ minBoards: z.number().int().positive(), percent: z.number().int().min(1).max(100) }))
      .min(1),
  }),
  stencil: z.object({ perSideFen: byRun }),
  assembly: z.object({
    setupFen: byRun,
    secondSideSetupFen: fen,
    smtJointFen: byRun,
    thtJointFen: byRun,
    feederLoadingFen: fen,
    thtPartSetupFen: fen,
    minimumFen: fen,
  }),
  components: z.object({
    attritionPercent: z.number().int().min(0).max(100),
    minimumSparePerSmtLine: z.number().int().min(0),
    consignedHandlingFenPerLine: fen,
  }),
  customerSupplied: z
    .object({
      pcbIncomingInspectionFen: fen.describe(
        'incoming inspection and baking of customer-supplied bare boards, per order',
      ),
      stencilCheckFenPerSide: fen.describe('inspection and fitting of a customer-supplied stencil, per side'),
    })
    .default({ pcbIncomingInspectionFen: 5000, stencilCheckFenPerSide: 2000 }),
  approvals: z
    .object({
      priceCutPercent: z
        .number()
        .min(0)
        .max(100)
        .describe('an engineering price change lowering the total by more than this share needs a second approval'),
      floorFen: fen.describe('a quote total below this needs a second approval'),
    })
    .default({ priceCutPercent: 10, floorFen: 10000 }),
  leadTimes: z.record(
    z.string(),
    z.object({ days: z.number().int().positive(), surchargePercent: z.number().int().min(0).max(500) }),
  ),
  limits: z.object({
    maxCopperLayers: z.number().int().positive(),
    maxWidthMm: z.number().positive(),
    maxHeightMm: z.number().positive(),
    minSideMm: z.number().positive(),
    maxQuantity: z.number().int().positive(),
    minDrillMm: z.number().positive(),
    maxUniqueParts: z.number().int().positive(),
  }),
  terms: z.array(z.string()).min(1),
});
/** A validated rule set. */
export type PricingRules = z.infer<typeof PricingRules>;

export const CatalogEntry = z.object({
  mpn: z.string().optional(),
  supplierPart: z.string().optional(),
  description: z.string(),
  unitPriceFen: fen,
  /** Lower unit prices from a quantity on. */
  breaks: z.array(z.object({ minQuantity: z.number().int().positive(), unitPriceFen: fen })).optional(),
});
export type CatalogEntry = z.infer<typeof CatalogEntry>;

export const Catalog = z.object({ version: z.string(), parts: z.array(CatalogEntry) });
/** The component price table used for turnkey quotes. */
export type Catalog = z.infer<typeof Catalog>;
