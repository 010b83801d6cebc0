/**
 * What a customer may see of an RMA: an explicit view built field by field, never the staff record with parts
 * removed — no staff identities, internal reports, penalties, deadlines or task routing. Every label is given in
 * English and Chinese.
 */
import { z } from 'zod';
import type { RmaCaseRow } from '../../infra/db/schema';
import type { RmaStage, RmaState } from '../../domain/rma/contract';

/** The stages as the customer reads them. */
const CUSTOMER_STAGE: Record<RmaStage, { en: string; zh: string }> = {
  registered: { en: 'Registered', zh: '已登记' },
  site_visit: { en: 'On-site confirmation', zh: '现场确认' },
  acceptance: { en: 'Return under review', zh: '退货审核中' },
  receiving: { en: 'Waiting for your units', zh: '等待退货' },
  analysis: { en: 'Analysis', zh: '分析中' },
  quotation: { en: 'Repair quote', zh: '维修报价' },
  material: { en: 'Preparing material', zh: '备料中' },
  disassembly: { en: 'In repair', zh: '维修中' },
  repair: { en: 'In repair', zh: '维修中' },
  inspection: { en: 'Final inspection', zh: '出货检验' },
  shipping: { en: 'Shipping', zh: '出货中' },
  exchange: { en: 'Exchange', zh: '换货' },
  refund: { en: 'Refund', zh: '退款' },
  closing: { en: 'Closing', zh: '结案中' },
  closed: { en: 'Closed', zh: '已结案' },
};

/** The steps a customer sees as milestones of their RMA (the rest is the factory's internal work). */
export const CUSTOMER_MILESTONES: Record<string, { en: string; zh: string }> = {
  'site-visit': { en: 'On-site confirmation done', zh: '现场确认完成' },
  'return-acceptance': { en: 'Return decided', zh: '退货已判定' },
  'receive-units': { en: 'Your units were received', zh: '已收到退货' },
  classify: { en: 'Units analysed', zh: '已完成分析' },
  'repair-quote': { en: 'Repair quote sent', zh: '已发送维修报价' },
  'quote-confirmation': { en: 'Quote answered', zh: '报价已答复' },
  'repair-date': { en: 'Repair date promised', zh: '已承诺维修日期' },
  repair: { en: 'Repaired', zh: '维修完成' },
  'ship-back': { en: 'Shipped back', zh: '已寄回' },
  'return-unrepaired': { en: 'Returned unrepaired', zh: '未修退回' },
  'ship-replacement': { en: 'Replacement shipped', zh: '已发出换货' },
  'faulty-return': { en: 'Faulty units received', zh: '已收到不良品' },
  'refund-payment': { en: 'Refund paid', zh: '退款已支付' },
  'refund-confirmation': { en: 'Refund confirmed', zh: '已确认退款' },
  'close-report': { en: 'Closed', zh: '已结案' },
};

const Bilingual = z.object({ en: z.string(), zh: z.string() });

export const CustomerRmaView = z
  .object({
    id: z.uuid(),
    reference: z.string(),
    stage: z.string(),
    stageLabel: Bilingual,
    quantity: z.number(),
    productModel: z.string().nullable(),
    partNumber: z.string().nullable(),
    complaint: z.string(),
    outcome: z.string().nullable(),
    warranty: z.enum(['in_warranty', 'out_of_warranty']).nullable(),
    charge: z.enum(['free', 'paid']).nullable(),
    repairQuoteFen: z.number().nullable(),
    promisedRepairDate: z.string().nullable(),
    tracking: z.object({ carrier: z.string(), trackingNumber: z.string() }).nullable(),
    awaitingYou: z.array(z.object({ step: z.string(), title: z.string() })),
    unitsReceived: z.number(),
    createdAt: z.string(),
  })
  .meta({ id: 'CustomerRmaView' });
export type CustomerRmaView = z.infer<typeof CustomerRmaView>;

export const CustomerRmaListItem = CustomerRmaView.pick({
  id: true,
  reference: true,
  stage: true,
  stageLabel: true,
  quantity: true,
  productModel: true,
  outcome: true,
  createdAt: true,
}).meta({ id: 'CustomerRmaListItem' });
export type CustomerRmaListItem = z.infer<typeof CustomerRmaListItem>;

export const CustomerTimelineEntry = z
  .object({ at: z.string(), kind: z.literal('task_completed'), step: z.string(), title: z.string(), label: Bilingual })
  .meta({ id: 'CustomerRmaTimelineEntry' });
export type CustomerTimelineEntry = z.infer<typeof CustomerTimelineEntry>;

function stageOf(row: RmaCaseRow): RmaStage {
  const stage = row.status.split(':')[0] as RmaStage;
  return stage in CUSTOMER_STAGE ? stage : 'registered';
}

/** A list row for the customer. */
export function toCustomerListItem(row: RmaCaseRow): CustomerRmaListItem {
  const stage = stageOf(row);
  return {
    id: row.id,
    reference: row.reference,
    stage,
    stageLabel: CUSTOMER_STAGE[stage],
    quantity: row.quantity,
    productModel: row.product_model,
    outcome: row.status.split(':')[1] ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

/** The RMA as its customer sees it. */
export function toCustomerView(row: RmaCaseRow, state: RmaState | null, unitsReceived: number): CustomerRmaView {
  const item = toCustomerListItem(row);
  const decision = (step: string) => state?.decisions.find((d) => d.step === step)?.data;
  const quote = decision('repair-quote')?.amountFen;
  const promised = decision('repair-date')?.promisedOn;
  return {
    ...item,
    partNumber: row.part_number,
    complaint: row.complaint,
    outcome: state?.outcome ?? item.outcome,
    warranty: state?.warranty?.status ?? null,
    charge: state?.charge ?? null,
    repairQuoteFen: typeof quote === 'number' ? quote : null,
    promisedRepairDate: typeof promised === 'string' ? promised : null,
    tracking: state?.tracking ?? null,
    awaitingYou: (state?.openTasks ?? [])
      .filter((t) => t.role === 'customer')
      .map((t) => ({ step: t.step, title: t.title })),
    unitsReceived,
  };
}

/** The customer's timeline: milestones of completed steps, without who did them or what they recorded. */
export function toCustomerTimeline(completed: { step: string; completedAt: Date | null }[]): CustomerTimelineEntry[] {
  return completed
    .filter((t) => t.completedAt && CUSTOMER_MILESTONES[t.step.replace(/#\d+$/, '')])
    .map((t) => {
      const label = CUSTOMER_MILESTONES[t.step.replace(/#\d+$/, '')];
      return {
        at: (t.completedAt as Date).toISOString(),
        kind: 'task_completed' as const,
        step: t.step,
        title: `${label.en} / ${label.zh}`,
        label,
      };
    })
    .sort((a, b) => a.at.localeCompare(b.at));
}

/** A step waiting on the customer: what to do and what it is about, not who else works on the case. */
export const CustomerTask = z
  .object({
    id: z.string(),
    step: z.string(),
    kind: z.string(),
    title: z.string(),
    answerBy: z.string().nullable(),
    payload: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'CustomerRmaTask' });
export type CustomerTask = z.infer<typeof CustomerTask>;

/** Payload keys a customer's task may show (the amount and quantity they decide on); the rest is internal. */
const CUSTOMER_TASK_PAYLOAD = ['amountFen', 'quantity'] as const;

/** The customer's own task, with their answer-by time and only the payload they decide on. */
export function toCustomerTask(t: {
  id: string;
  step: string;
  kind: string;
  title: string;
  dueAt: Date | null;
  payload: Record<string, unknown> | null;
}): CustomerTask {
  const payload: Record<string, unknown> = {};
  for (const key of CUSTOMER_TASK_PAYLOAD) if (t.payload && key in t.payload) payload[key] = t.payload[key];
  return { id: t.id, step: t.step, kind: t.kind, title: t.title, answerBy: t.dueAt?.toISOString() ?? null, payload };
}
