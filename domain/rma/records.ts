/**
 * Seed 002's procedures that are records of a case rather than waits of its workflow: each kind names who records
 * it, what it holds, and the seed sentence it implements. The service validates and stores them (rma_records).
 */
import { z } from 'zod';
import type { Role } from '../tasks/roles';
import { MATERIAL_KINDS } from './materials';

const text = (max = 2000) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(s), 'must not contain control characters');
const fen = z.number().int('must be whole fen').nonnegative('must be ≥ 0');
const pcs = z.number().int('must be a whole number').positive('must be at least 1');

/** One kind of record. */
export interface RecordKind<S extends z.ZodType = z.ZodType> {
  kind: string;
  /** The seed sentence it implements. */
  seed: string;
  description: string;
  roles: readonly Role[];
  data: S;
  /** Once per case (an evaluation, an on-site repair decision) rather than any number of times. */
  oncePerCase?: boolean;
  /** The data's money amount in fen (stored beside it), if it has one. */
  amountFen?: (data: z.infer<S>) => number | null;
}

function defineRecordKind<S extends z.ZodType>(k: RecordKind<S>): RecordKind<S> {
  return k;
}

/** 采购部: 因原材料原因导致退货或报废的,由采购部发出《物料异常联络函》通知供应商,并把损耗物料单据及扣款金额交财务部. */
export const supplierClaim = defineRecordKind({
  kind: 'supplier-claim',
  seed: '因原材料原因导致退货或报废的,由采购部发出《物料异常联络函》通知供应商,并把损耗物料单据及扣款金额交财务部',
  description: 'Material-abnormality letter to the supplier with the charge-back amount handed to finance',
  roles: ['engineer', 'production', 'manager'],
  data: z
    .object({
      supplier: text(200),
      material: text(200),
      lossQuantity: pcs,
      letter: text(),
      chargeBackFen: fen.refine((n) => n > 0, 'a charge-back must be above 0'),
    })
    .strict(),
  amountFen: (d) => d.chargeBackFen,
});

/** 报告关闭: 关责任人作出相应处罚后交财务部。责令质检部立即针对此问题安排员工培训. */
export const responsiblePersonAction = defineRecordKind({
  kind: 'responsible-person',
  seed: '对相关责任人作出相应处罚后交财务部。责令质检部立即针对此问题安排员工培训',
  description: "The responsible person's penalty (to finance) or the training QA arranged on the problem",
  roles: ['qa', 'manager'],
  data: z
    .object({
      person: text(200),
      action: z.enum(['training', 'penalty']),
      detail: text(),
      trainingOn: z.iso.date().optional(),
      penaltyFen: fen.optional(),
    })
    .strict()
    .refine((d) => d.action !== 'penalty' || (d.penaltyFen ?? 0) > 0, {
      message: 'a penalty needs an amount above 0',
      path: ['penaltyFen'],
    })
    .refine((d) => d.action !== 'training' || !!d.trainingOn, {
      message: 'a training needs its date',
      path: ['trainingOn'],
    }),
  amountFen: (d) => (d.action === 'penalty' ? (d.penaltyFen ?? null) : null),
});

/** 5.1.2: 能当地维修解决的尽量当地维修处理,相关费用由责任工厂负责. */
export const onSiteRepair = defineRecordKind({
  kind: 'on-site-repair',
  seed: '能当地维修解决的尽量当地维修处理,相关费用由责任工厂负责',
  description: "Repaired at the customer's site; the cost is borne by the responsible factory",
  roles: ['qa', 'sales', 'manager'],
  oncePerCase: true,
  data: z
    .object({ repairedOn: z.iso.date(), quantity: pcs, costFen: fen, costBorneBy: text(200), note: text().optional() })
    .strict(),
  amountFen: (d) => d.costFen,
});

/** 5.3.2: 由品质部售后跟单将《退货处理单》及产品一同退回外协厂责任单位负责人接收后并签名. */
export const outsourcedReturn = defineRecordKind({
  kind: 'outsourced-return',
  seed: '由品质部售后跟单将《退货处理单》及产品一同退回外协厂责任单位负责人接收后并签名将《退货处理单》传至品质部售后跟单员存档',
  description: 'Units returned with the return form to the outsourced factory, signed by its responsible person',
  roles: ['qa', 'warehouse'],
  data: z
    .object({
      factory: text(200),
      quantity: pcs,
      returnForm: text(200),
      receivedBy: text(200),
      repairBy: z.iso.date().optional(),
      stockInBy: z.iso.date().optional(),
    })
    .strict(),
});

/** 第七步 售后评价: 客服人员应该向客户询问是否满意解决方案,并鼓励客户提供售后评价. */
export const customerEvaluation = defineRecordKind({
  kind: 'customer-evaluation',
  seed: '在问题处理完成后,客服人员应该向客户询问是否满意解决方案,并鼓励客户提供售后评价',
  description: "The customer's evaluation of the after-sales service at close",
  roles: ['customer', 'sales'],
  oncePerCase: true,
  data: z.object({ satisfaction: z.number().int().min(1).max(5), comment: text().optional() }).strict(),
});

/** 9. 根据维修物料申请数量到仓库领取物料. */
export const materialIssue = defineRecordKind({
  kind: 'material-issue',
  seed: '根据维修物料申请数量到仓库领取物料',
  description: 'Warehouse issue of repair material against the material request',
  roles: ['warehouse'],
  data: z.object({ material: z.enum(MATERIAL_KINDS), quantity: pcs, issuedTo: text(200) }).strict(),
});

/** 紧急需要补货的,根据业务需求,特别安排. */
export const urgentReplenishment = defineRecordKind({
  kind: 'urgent-replenishment',
  seed: '紧急需要补货的,根据业务需求,特别安排',
  description: 'Urgent replenishment arranged for a business need',
  roles: ['production', 'sales', 'manager'],
  data: z.object({ material: z.enum(MATERIAL_KINDS), quantity: pcs, neededBy: z.iso.date(), reason: text() }).strict(),
});

/** Every record kind. */
export const RMA_RECORD_KINDS: readonly RecordKind[] = [
  supplierClaim,
  responsiblePersonAction,
  onSiteRepair,
  outsourcedReturn,
  customerEvaluation,
  materialIssue,
  urgentReplenishment,
];

/** Issued material cannot exceed what was requested for the kind (repair quantity + spare). */
export function materialIssueProblem(
  requested: number | undefined,
  alreadyIssued: number,
  quantity: number,
): string | undefined {
  if (requested === undefined) return 'no material of this kind was requested for the case';
  if (alreadyIssued + quantity > requested)
    return `issues ${alreadyIssued + quantity} pcs in all but ${requested} were requested (repair + spare)`;
  return undefined;
}
