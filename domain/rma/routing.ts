/**
 * Who analyses and who repairs (seed 002).
 *
 * - 客户返修品处理流程 4.3/4.4: "生产技术部负责非重点客户返修品的原因分析; 研发部负责重点客户、重点产品的维修和原因分析"
 *   — key customers or key products → R&D; others → the technical department.
 * - 客退返修处理流程 table: "≤200PCS 售后维修 >200PCS 生产维修" — up to 200 pcs the after-sales repair team,
 *   above 200 pcs the production line.
 */

/** Department that analyses returned units. */
export type AnalysisDepartment = 'rd' | 'technical';

/** Key customer or key product → R&D, else the technical department. */
export function analysisDepartment(input: { keyCustomer: boolean; keyProduct: boolean }): AnalysisDepartment {
  return input.keyCustomer || input.keyProduct ? 'rd' : 'technical';
}

/** Batch size limit (inclusive) of the after-sales repair team. */
export const AFTER_SALES_MAX_PCS = 200;

/** Team that repairs a batch. */
export type RepairTeam = 'after_sales' | 'production_line';

/** ≤ 200 pcs → after-sales team; > 200 pcs → production line. */
export function repairTeam(quantity: number): RepairTeam {
  if (!Number.isInteger(quantity) || quantity <= 0)
    throw new Error(`repair quantity must be a whole number > 0, got ${quantity}`);
  return quantity <= AFTER_SALES_MAX_PCS ? 'after_sales' : 'production_line';
}
