/**
 * The human steps of an RMA as task kinds of the platform's task mechanism: who completes each, the decisions
 * allowed and the data each decision carries (validated by `POST /api/tasks/:id/complete`).
 */
import { z } from 'zod';
import { factDate, factDateTime, multilineText, planDate, text as line } from '../shared/fields';
import { defineTaskKind, type TaskKind } from '../tasks/kinds';
import { formatMoney } from '../shared/money';
import { MATERIAL_KINDS } from './materials';
import {
  countClassified,
  countFaultyReturned,
  countRepaired,
  countReported,
  countReworked,
  type CountResult,
} from './counts';
import { repairQuoteProblem } from './paid-repair';
import { resolutionIneligibility } from './resolution';
import type { Responsibility } from './responsibility';

/** A count refused by domain/rma/counts as a task-kind check (the payload carries what the workflow counted). */
const refused = (r: CountResult) => (r.ok ? undefined : { field: r.field, message: r.message });
const payloadCount = (payload: Record<string, unknown>, key: string): number | undefined =>
  typeof payload[key] === 'number' ? (payload[key] as number) : undefined;

// Labels, names and references (up to 200 characters) are one line; longer fields are prose over several lines.
const text = (max = 2000) => (max <= 200 ? line({ min: 1, max }) : multilineText({ min: 1, max }));
const fen = z.number().int().nonnegative();

/** 品质异常处理报告: the salesperson fills the numbered report within 24 h (shipping date, symptoms, defect rate). */
export const qualityReportKind = defineTaskKind({
  kind: 'rma.quality-report',
  description: 'Fill in the quality-abnormality report (24 h; 50 CNY per day late)',
  decisions: ['submitted'],
  data: z
    .object({
      shippedOn: factDate().optional(),
      defectQuantity: z.number().int().positive(),
      returnRatioPercent: z.number().min(0).max(100).optional(),
      symptoms: text(),
    })
    .strict(),
  alsoAllowed: ['sales_manager'],
  // 备注 1: 根据《品质异常处理报告》核实退货数量 — the report cannot name more defective units than the complaint.
  check: (d, p) => {
    const opened = payloadCount(p, 'quantity');
    return opened === undefined ? undefined : refused(countReported({ opened }, d.defectQuantity));
  },
});

/** 客户服务派遣单: the on-site visit's result, signed by both sides. */
export const siteVisitKind = defineTaskKind({
  kind: 'rma.site-visit',
  description: 'Visit the customer, decide whose fault it is and record the service dispatch form signed by both sides',
  decisions: ['confirmed'],
  data: z
    .object({
      visitedOn: factDate(),
      responsibility: z.enum(['customer', 'factory', 'shared']),
      evidence: text(),
      customerSignatory: text(200),
      factorySignatory: text(200),
      // 5. 需要内部检讨分析的主动发出品质检讨会通知,或者开出<品质异常处理单>安排内部检讨分析.
      internalReview: z.enum(['none', 'meeting', 'abnormality-form']).default('none'),
    })
    .strict(),
});

/**
 * 第二步 客户信息核实: what the customer claimed (sale / production dates, quantity) confirmed or corrected by staff
 * before warranty, exchange / refund eligibility and invoices rest on it. A date staff cannot establish is null.
 */
export const confirmClaimsKind = defineTaskKind({
  kind: 'rma.confirm-claims',
  description:
    "Confirm or correct what the customer claimed (sale and production dates, quantity) against the order and the units' labels",
  decisions: ['confirmed'],
  data: z
    .object({
      saleDate: factDate().nullable(),
      productionDate: factDate().nullable(),
      quantity: z.number().int().positive(),
      source: text(200),
      note: text().optional(),
    })
    .strict(),
  alsoAllowed: ['sales_manager', 'qa'],
  check: (d, p) => {
    if (d.saleDate && d.productionDate && d.saleDate < d.productionDate)
      return { field: 'saleDate', message: 'a unit cannot be sold before it was made' };
    const opened = payloadCount(p, 'openedQuantity');
    if (opened !== undefined && d.quantity > opened)
      return { field: 'quantity', message: `cannot exceed the ${opened} pcs the complaint names` };
    return undefined;
  },
});

/** The sales VP's decision on the return (approves the quality-abnormality report). */
export const returnAcceptanceKind = defineTaskKind({
  kind: 'rma.return-acceptance',
  description: 'Accept or reject the return and confirm the resolution (repair, exchange, refund)',
  decisions: ['accept', 'reject'],
  data: z
    .object({
      resolution: z.enum(['repair', 'exchange', 'refund']).optional(),
      reason: text().optional(),
      exceptionReason: text().optional(),
    })
    .strict(),
  // Exchange and refund only where responsibility and warranty allow, else a manager's exception is asked for.
  check: (d, p) => {
    const resolution = d.resolution ?? (p.requested as 'repair' | 'exchange' | 'refund' | undefined);
    const responsibility = p.responsibility as Responsibility | undefined;
    const warranty = p.warranty as 'in_warranty' | 'out_of_warranty' | undefined;
    if (!resolution || !responsibility || !warranty) return undefined;
    if (p.rule === 'paid_repair_only') return undefined;
    const why = resolutionIneligibility(resolution, responsibility, warranty);
    if (why && !d.exceptionReason)
      return {
        field: 'resolution',
        message: `${resolution} is not allowed: ${why}; choose repair, or give exceptionReason to ask a manager for an exception`,
      };
    return undefined;
  },
});

/** A manager's exception to the resolution rule (four eyes: not the person who accepted the return). */
export const resolutionExceptionKind = defineTaskKind({
  kind: 'rma.resolution-exception',
  description: 'Approve or refuse an exchange or refund the rules do not allow (the case becomes a repair if refused)',
  decisions: ['approve', 'reject'],
  data: z.object({ note: text().optional() }).strict(),
  alsoAllowed: ['admin'],
});

/** A refund's goods are received and inspected before any money is decided. */
export const refundInspectionKind = defineTaskKind({
  kind: 'rma.refund-inspection',
  description: 'Inspect the returned goods of a refund: how many units the refund may cover',
  decisions: ['accepted', 'refused'],
  data: z.object({ units: z.number().int().nonnegative(), findings: text() }).strict(),
  check: (d, p) => {
    const received = payloadCount(p, 'received');
    if (received !== undefined && d.units > received)
      return { field: 'units', message: `cannot exceed the ${received} pcs received` };
    return undefined;
  },
});

/** 品质检讨会 / 品质异常处理单: the internal review of a factory-caused problem, recorded by QA. */
export const qualityReviewKind = defineTaskKind({
  kind: 'rma.quality-review',
  description:
    'Hold the quality review meeting or process the quality-abnormality form: participants, root cause, corrective actions',
  decisions: ['reviewed'],
  data: z
    .object({
      heldOn: factDate(),
      participants: text(500),
      rootCause: text(),
      correctiveActions: text(),
      responsiblePerson: text(200),
      formNumber: text(100).optional(),
    })
    .strict(),
  alsoAllowed: ['manager'],
  check: (d, p) =>
    p.form === 'abnormality-form' && !d.formNumber
      ? { field: 'formNumber', message: 'the quality-abnormality form needs its number' }
      : undefined,
});

const unitLabel = z.object({ serial: text(100).optional(), partNumber: text(100), model: text(100) }).strict();

/** Stock-in the same day the units come back, each labelled with part number, model and customer. */
export const receiveUnitsKind = defineTaskKind({
  kind: 'rma.receive-units',
  description: 'Receive the returned units into the warehouse the same day, labelled (part number, model, customer)',
  decisions: ['received'],
  data: z
    .object({
      arrivedAt: factDateTime(),
      quantity: z.number().int().positive(),
      units: z.array(unitLabel).max(5000).default([]),
    })
    .strict(),
});

/** 分类-分析: good / scrap per unit, the materials the repair needs, and the analysis. */
export const classifyKind = defineTaskKind({
  kind: 'rma.classify',
  description: 'Classify (good / scrap) and analyse the returned units within 2 working days',
  decisions: ['classified'],
  data: z
    .object({
      good: z.number().int().nonnegative(),
      scrap: z.number().int().nonnegative(),
      units: z
        .array(z.object({ serial: text(100), classification: z.enum(['good', 'scrap']) }).strict())
        .max(5000)
        .default([]),
      materials: z
        .array(
          z
            .object({
              kind: z.enum(MATERIAL_KINDS),
              inStock: z.boolean(),
              fogStage: z.enum(['beforeFog', 'afterFog']).optional(),
            })
            .strict(),
        )
        .max(MATERIAL_KINDS.length)
        .default([]),
      findings: text(),
    })
    .strict(),
  // 对客退品进行分类…区分良品及报废品 — every received unit is good or scrap, no more, no fewer.
  check: (d, p) => {
    const received = payloadCount(p, 'received');
    return received === undefined
      ? undefined
      : refused(countClassified({ opened: received, received }, d.good, d.scrap, d.units.length));
  },
});

/** 收费清单: a paid repair's quote, sent to the customer through the sales assistant. */
export const repairQuoteKind = defineTaskKind({
  kind: 'rma.repair-quote',
  description: 'Prepare the paid-repair quote for the customer',
  decisions: ['quoted'],
  data: z.object({ amountFen: fen, note: text().optional() }).strict(),
  // A paid repair needs a price: no 0 quote unless the repair is free.
  check: (d, p) => repairQuoteProblem(p.charge === 'free' ? 'free' : 'paid', d.amountFen),
});

/** The customer confirms or declines the paid repair (declined: returned unrepaired, or scrapped on request). */
export const quoteConfirmationKind = defineTaskKind({
  kind: 'rma.quote-confirmation',
  description: 'Confirm or decline the paid repair',
  decisions: ['accept', 'decline'],
  data: z.object({ onDecline: z.enum(['return', 'scrap']).optional() }).strict(),
  alsoAllowed: ['sales'],
});

/** 拆解: disassembly; reclaimed parts await IPQC. */
export const disassemblyKind = defineTaskKind({
  kind: 'rma.disassembly',
  description: 'Disassemble within 2 working days; count reclaimed and NG parts',
  decisions: ['done'],
  data: z.object({ reclaimedParts: z.number().int().nonnegative(), ngParts: z.number().int().nonnegative() }).strict(),
});

/** IPQC on reclaimed parts: only confirmed parts go back to stock; NG parts go back to the warehouse. */
export const ipqcKind = defineTaskKind({
  kind: 'rma.ipqc',
  description: 'IPQC: confirm reclaimed parts before they go back to stock',
  decisions: ['pass', 'fail'],
  data: z.object({ note: text().optional() }).strict(),
});

/** PMC promises a repair date (else sales is told within 2 working days of disassembly). */
export const repairDateKind = defineTaskKind({
  kind: 'rma.repair-date',
  description: 'Promise a repair date for the returned units',
  decisions: ['promised'],
  data: z.object({ promisedOn: planDate() }).strict(),
});

/** Sales is told no repair date could be promised and agrees the final disposal with the customer. */
export const noRepairDateKind = defineTaskKind({
  kind: 'rma.no-repair-date',
  description: 'No repair date could be promised: agree the next step with the customer',
  decisions: ['informed'],
  data: z.object({ note: text().optional() }).strict(),
});

/** PMC records a material's arrival. */
export const materialArrivedKind = defineTaskKind({
  kind: 'rma.material-arrived',
  description: 'Record the arrival of the ordered repair material',
  decisions: ['arrived'],
  data: z.object({ note: text().optional() }).strict(),
});

/** The repair itself. */
export const repairKind = defineTaskKind({
  kind: 'rma.repair',
  description: 'Repair the units and record how many were repaired and scrapped',
  decisions: ['repaired'],
  data: z.object({ repaired: z.number().int().nonnegative(), scrapped: z.number().int().nonnegative() }).strict(),
  // 根据领取的售后品…结单 — repaired + scrapped is what went into repair; rework takes from the repaired units.
  check: (d, p) => {
    const quantity = payloadCount(p, 'quantity');
    if (quantity === undefined) return undefined;
    return p.rework
      ? refused(countReworked({ opened: quantity, repaired: quantity }, d.repaired, d.scrapped))
      : refused(countRepaired({ opened: quantity, good: quantity }, d.repaired, d.scrapped));
  },
});

/** QA confirmation, and the outgoing inspection. */
export const qaCheckKind = defineTaskKind({
  kind: 'rma.qa-check',
  description: 'QA: pass or fail (a failure sends the units back to repair)',
  decisions: ['pass', 'fail'],
  data: z.object({ note: text().optional() }).strict(),
});

/** Packing, scrapping and other warehouse confirmations. */
export const warehouseDoneKind = defineTaskKind({
  kind: 'rma.warehouse-done',
  description: 'Warehouse: confirm the step is done',
  decisions: ['done'],
  data: z.object({ note: text().optional() }).strict(),
});

/** A shipment with its tracking number (repaired units, unrepaired units, or a replacement). */
export const shipmentKind = defineTaskKind({
  kind: 'rma.shipment',
  description: 'Ship and record the carrier and tracking number',
  decisions: ['shipped'],
  data: z.object({ carrier: text(100), trackingNumber: text(100) }).strict(),
});

/** Faulty units of an exchange come back. */
export const faultyReturnKind = defineTaskKind({
  kind: 'rma.faulty-return',
  description: 'Receive the faulty units the customer returns after an exchange',
  decisions: ['received'],
  data: z.object({ quantity: z.number().int().nonnegative() }).strict(),
  check: (d, p) => {
    const replaced = payloadCount(p, 'replaced');
    return replaced === undefined
      ? undefined
      : refused(countFaultyReturned({ opened: replaced, replacementShipped: replaced }, d.quantity));
  },
});

/** Finance invoices faulty units never returned after an exchange. */
export const invoiceUnreturnedKind = defineTaskKind({
  kind: 'rma.invoice-unreturned',
  description: 'Invoice the customer for faulty units never returned after an exchange',
  decisions: ['invoiced'],
  data: z.object({ amountFen: fen }).strict(),
});

/** Refund steps: customer-service review, finance approval. */
export const refundDecisionKind = defineTaskKind({
  kind: 'rma.refund-decision',
  description: 'Approve or reject the refund',
  decisions: ['approve', 'reject'],
  data: z.object({ amountFen: fen.optional(), reason: text().optional() }).strict(),
  // Capped by what the customer paid for the inspected units (the workflow puts the cap in the payload); an
  // approval without an amount refunds the cap.
  check: (d, p) => {
    const cap = payloadCount(p, 'capFen');
    if (cap === undefined) return undefined;
    if (d.amountFen === 0) return { field: 'amountFen', message: 'a refund must be above 0' };
    if (d.amountFen !== undefined && d.amountFen > cap) {
      return {
        field: 'amountFen',
        message:
          cap === 0
            ? `nothing can be refunded: ${String(p.capBasis ?? 'no payment is known for these units')}`
            : `exceeds the ${formatMoney(cap)} the customer paid for these units`,
      };
    }
    return undefined;
  },
});

/** Finance records the refund payment. */
export const refundPaymentKind = defineTaskKind({
  kind: 'rma.refund-payment',
  description: 'Pay the refund and record the payment reference',
  decisions: ['paid'],
  data: z.object({ reference: text(200) }).strict(),
});

/** The customer confirms receipt of the refund. */
export const customerConfirmationKind = defineTaskKind({
  kind: 'rma.customer-confirmation',
  description: 'Confirm you received the refund',
  decisions: ['confirmed'],
  data: z.object({ note: text().optional() }).strict(),
  alsoAllowed: ['sales'],
});

/** 报告关闭: the quality-abnormality report closed with root cause and corrective action. */
export const closeReportKind = defineTaskKind({
  kind: 'rma.close-report',
  description: 'Close the quality-abnormality report with root cause and corrective action',
  decisions: ['closed'],
  data: z.object({ rootCause: text(), correctiveAction: text() }).strict(),
});

/** 5.3.1 如货、单或数量不一致时需及时通知业务部售后专员同客户沟通处理 — sales settles a count difference with the customer. */
export const countDifferenceKind = defineTaskKind({
  kind: 'rma.count-difference',
  description: 'Goods, paperwork and quantity differ: agree with the customer how to proceed',
  decisions: ['settled'],
  data: z.object({ note: text() }).strict(),
  alsoAllowed: ['sales_manager'],
});

/** 收费维修产品收费确认 — finance records the repair's payment before the units ship back. */
export const repairPaymentKind = defineTaskKind({
  kind: 'rma.repair-payment',
  description: 'Record the payment of the paid repair (the units ship back once paid)',
  decisions: ['paid'],
  data: z.object({ reference: text(200), amountFen: fen }).strict(),
  check: (d, p) => {
    const outstanding = typeof p.outstandingFen === 'number' ? p.outstandingFen : undefined;
    if (outstanding !== undefined && d.amountFen !== outstanding)
      return { field: 'amountFen', message: `must be the outstanding ${formatMoney(outstanding)}` };
    return undefined;
  },
});

/** Every RMA task kind; the process that mounts services/tasks registers them. */
export const RMA_TASK_KINDS = [
  qualityReportKind,
  siteVisitKind,
  confirmClaimsKind,
  returnAcceptanceKind,
  resolutionExceptionKind,
  refundInspectionKind,
  qualityReviewKind,
  receiveUnitsKind,
  classifyKind,
  repairQuoteKind,
  quoteConfirmationKind,
  disassemblyKind,
  ipqcKind,
  repairDateKind,
  noRepairDateKind,
  materialArrivedKind,
  repairKind,
  qaCheckKind,
  warehouseDoneKind,
  shipmentKind,
  faultyReturnKind,
  invoiceUnreturnedKind,
  refundDecisionKind,
  refundPaymentKind,
  customerConfirmationKind,
  closeReportKind,
  countDifferenceKind,
  repairPaymentKind,
] as const satisfies readonly TaskKind[];
/** The RMA's task kind names. */
export type RmaTaskKindName = (typeof RMA_TASK_KINDS)[number]['kind'];
