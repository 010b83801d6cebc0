/**
 * Responsibility, repair charging and return acceptance (seed 002).
 *
 * - 客户返修品处理流程 3.1: "保修期内产品非人为原因故障,我司负责免费工厂维修;保修期外及人为原因故障我司收费维修"
 *   — in warranty and not caused by the user → free factory repair; out of warranty or user-caused → paid repair.
 * - 外协产品售后及退货流程 5.1.1: "外协厂只接受因该公司产品质量与服务质量问题而发生的客户退货,因客户原因或因其它
 *   因素导致产品退货的需计价维修处理" — for outsourced products only quality-caused returns are accepted;
 *   others become paid repairs.
 */

/** Whose fault, as recorded on the service dispatch form both sides sign (客户服务派遣单: 判定客责和我责). */
export type Responsibility = 'customer' | 'factory' | 'shared';

/** What a repair costs the customer. */
export type RepairCharge = 'free' | 'paid';

/**
 * Free repair only when the unit is in warranty and the fault is ours alone. A shared fault is not "非人为原因"
 * (not user-caused) without reservation, so it is charged; the quote can reflect the share.
 */
export function repairCharge(
  warranty: 'in_warranty' | 'out_of_warranty',
  responsibility: Responsibility,
): RepairCharge {
  return warranty === 'in_warranty' && responsibility === 'factory' ? 'free' : 'paid';
}

/** What may happen to a return, before the sales VP's own decision. */
export type ReturnAcceptance = 'may_accept' | 'paid_repair_only';

/**
 * Return acceptance rule: a product of our own factory may be accepted whatever the cause (the sales VP
 * decides); an outsourced product is accepted as a return only when the fault is quality-caused (ours).
 */
export function returnAcceptance(outsourced: boolean, responsibility: Responsibility): ReturnAcceptance {
  if (!outsourced) return 'may_accept';
  return responsibility === 'factory' ? 'may_accept' : 'paid_repair_only';
}
