/**
 * Which resolutions a case may take, and the refund's checks (seed 002).
 *
 * - 客户返修品处理流程 3.1: "保修期内产品非人为原因故障,我司负责免费工厂维修;保修期外及人为原因故障我司收费维修" — our
 *   liability ends at a free repair in warranty for a fault not caused by the user; beyond it the customer pays.
 *   Exchange (3.3 换货品: 产品发生品质异常…需XXX暂时先补发) and refund are therefore granted only when the fault is
 *   ours and the unit in warranty; anything else is an exception a manager approves, and not the person asking
 *   for it (退款管理制度 五.5: "对于特殊情况,需及时向领导汇报并进行协商处理").
 * - 退款管理制度 四.3–5: "退款申请将由客服人员进行初步审核 … 提交给财务部门进行审批 … 审批通过后,退款将由财务部门安排付款" and
 *   电子商务行业客户退货流程 五: "在收到退货商品后 … 会对退货商品进行检查,确认商品的完好性和退货原因的真实性 … 退款" — a
 *   refund needs the goods received and inspected, cannot exceed what the customer paid for them, and is approved
 *   and paid by different people.
 */
import { formatMoney } from '../shared/money';
import type { RmaResolution } from './contract';
import type { Responsibility } from './responsibility';

/** A manager's exception to the resolution rule. */
export interface ResolutionException {
  approvedBy: { userId: string; role: string };
  reason: string;
}

/** Why exchange or refund is not the customer's right here (undefined: it is, or the resolution is a repair). */
export function resolutionIneligibility(
  resolution: RmaResolution,
  responsibility: Responsibility,
  warranty: 'in_warranty' | 'out_of_warranty',
): string | undefined {
  if (resolution === 'repair') return undefined;
  if (responsibility !== 'factory')
    return `the fault is ${responsibility === 'customer' ? "the customer's" : 'shared'}`;
  if (warranty !== 'in_warranty') return 'the unit is out of warranty';
  return undefined;
}

/** Exchange or refund: ours and in warranty, else a manager's exception by someone other than the requester. */
export function resolutionProblem(input: {
  resolution: RmaResolution;
  responsibility: Responsibility;
  warranty: 'in_warranty' | 'out_of_warranty';
  decidedBy: { userId: string };
  exception?: ResolutionException;
}): { field: string; message: string } | undefined {
  const why = resolutionIneligibility(input.resolution, input.responsibility, input.warranty);
  if (!why) return undefined;
  const ex = input.exception;
  if (!ex)
    return {
      field: 'resolution',
      message: `${input.resolution} is not allowed: ${why}; a manager must approve an exception`,
    };
  if (!['manager', 'admin'].includes(ex.approvedBy.role))
    return { field: 'exception.approvedBy', message: 'only a manager approves an exception' };
  if (ex.approvedBy.userId === input.decidedBy.userId)
    return {
      field: 'exception.approvedBy',
      message: 'the exception must be approved by someone other than the person deciding the return',
    };
  if (!ex.reason.trim()) return { field: 'exception.reason', message: 'an exception needs a reason' };
  return undefined;
}

/** What the customer paid for `units` of an order: the paid amount pro rata by quantity, rounded down to the fen. */
export function refundCapFen(order: { paidFen: number; quantity: number }, units: number): number {
  if (order.quantity <= 0 || units <= 0) return 0;
  return Math.floor((order.paidFen * Math.min(units, order.quantity)) / order.quantity);
}

/** Why a refund cannot be approved or paid (undefined: it can). */
export function refundProblem(input: {
  amountFen: number;
  capFen: number;
  received: boolean;
  inspected: boolean;
  approvedBy?: string;
  paidBy?: string;
}): { field: string; message: string } | undefined {
  if (!input.received) return { field: 'amountFen', message: 'the returned goods have not been received' };
  if (!input.inspected) return { field: 'amountFen', message: 'the returned goods have not been inspected' };
  if (!Number.isInteger(input.amountFen) || input.amountFen <= 0)
    return { field: 'amountFen', message: 'must be whole fen above 0' };
  if (input.amountFen > input.capFen)
    return {
      field: 'amountFen',
      message: `exceeds the ${formatMoney(input.capFen)} the customer paid for these units`,
    };
  if (input.approvedBy && input.paidBy && input.approvedBy === input.paidBy)
    return { field: 'paidBy', message: 'the person who approved the refund cannot also pay it' };
  return undefined;
}
