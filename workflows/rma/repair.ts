/**
 * The repair itself, the same procedure for the after-sales team (inside the RMA workflow) and the production
 * line (inside its child workflow): disassembly within 2 working days → reclaimed parts to stock only after
 * IPQC → a repair date promised within 2 working days of disassembly (else sales is told: task + email) →
 * waiting for each ordered material by its lead time → repair, due by the material plan.
 */
import { condition } from '@temporalio/workflow';
import type { StepTracker } from './steps';
import type { RmaActivities } from '../../activities/rma';
import type { RepairOutcome } from '../../domain/rma/contract';
import type { WorkingCalendar } from '../../domain/rma/calendar';
import { addWorkingDays } from '../../domain/rma/calendar';
import { disassemblyDueAt, repairDatePromiseDueAt } from '../../domain/rma/deadlines';
import { DEFAULT_MATERIAL_RULES, planRepair, type MaterialKind, type MaterialRules } from '../../domain/rma/materials';
import type { RepairTeam } from '../../domain/rma/routing';

/** What a repair needs to know. */
export interface RepairJob {
  rmaId: string;
  reference: string;
  /** The customer told of the promised repair date. */
  customerId?: string;
  quantity: number;
  team: RepairTeam;
  materials: { kind: MaterialKind; inStock: boolean }[];
  /** When the material request reached PMC: lead times run from it (default: now). */
  materialRequestedAt?: string;
  calendar: WorkingCalendar;
  rules?: MaterialRules;
}

/** Hooks the caller gives the repair (its activities proxy and a way to show the current step). */
export interface RepairContext {
  steps: StepTracker;
  acts: Pick<RmaActivities, 'materialArrived' | 'recordRepair' | 'notify' | 'auditDecision'>;
  setStep(step: string): void | Promise<void>;
  /** Called with each material's expected and actual arrival (for the query). */
  onMaterial?(kind: MaterialKind, update: { expectedAt?: string; arrivedAt?: string }): void;
}

/** Runs the repair procedure; returns the counts and the due date it worked to. */
export async function runRepair(job: RepairJob, ctx: RepairContext): Promise<RepairOutcome> {
  const { steps, acts } = ctx;
  const role = job.team === 'after_sales' ? 'qa' : 'production';
  const rules = job.rules ?? DEFAULT_MATERIAL_RULES;
  const who = job.team === 'after_sales' ? 'after-sales repair team' : 'production line';

  // 拆解2天内完成 — disassembly within 2 working days.
  await ctx.setStep('disassembly');
  const disassembly = await steps.must({
    step: 'disassembly',
    kind: 'rma.disassembly',
    title: `Disassemble ${job.quantity} pcs of RMA ${job.reference} (${who})`,
    role,
    dueAt: disassemblyDueAt(job.calendar, new Date(Date.now())),
  });
  const reclaimed = Number(disassembly.data.reclaimedParts ?? 0);

  // 拆解回收良品入库前需要经IPQC确认OK,方可入库 — reclaimed parts go to stock only after IPQC; it runs beside the rest.
  const ipqc =
    reclaimed > 0
      ? steps
          .must({
            step: 'ipqc',
            kind: 'rma.ipqc',
            title: `IPQC: ${reclaimed} reclaimed parts of RMA ${job.reference}`,
            role: 'qa',
          })
          .then((d) =>
            acts.auditDecision({
              rmaId: job.rmaId,
              step: 'ipqc',
              decision: d.decision,
              by: d.by,
              data: { reclaimedParts: reclaimed, destination: d.decision === 'pass' ? 'stock' : 'warehouse (NG)' },
            }),
          )
      : Promise.resolve();

  // 由PMC下单,按FPC:7天,SMT:2天… — the material clock started when the request reached PMC, before disassembly.
  const plan = planRepair(
    job.materials,
    job.materialRequestedAt ? new Date(job.materialRequestedAt) : new Date(Date.now()),
    job.calendar,
    rules,
  );
  for (const a of plan.arrivals) ctx.onMaterial?.(a.kind, { expectedAt: a.expectedAt });

  // 3.2 因故无法回复客户售后维修时间的,必须在售后品拆解后2天内联络给业务 — no date promised within 2 working days → sales.
  await ctx.setStep('repair-date');
  const promiseDue = repairDatePromiseDueAt(job.calendar, disassembly.at);
  let promised = false;
  const promise = steps
    .must({
      step: 'repair-date',
      kind: 'rma.repair-date',
      title: `Promise a repair date for RMA ${job.reference} (planned ${plan.repairDueAt.slice(0, 10)})`,
      role: 'production',
      dueAt: promiseDue,
      deadline: 'repair-date-promise',
      escalateTo: ['sales', 'manager'],
      payload: { plannedRepairDueAt: plan.repairDueAt },
    })
    .then(async (d) => {
      promised = true;
      if (job.customerId) {
        await acts.notify({
          step: 'repair-date:customer',
          customerId: job.customerId,
          subject: `RMA ${job.reference}: repair date ${String(d.data.promisedOn)} / 承诺维修日期`,
          lines: [
            `The ${job.quantity} pcs of RMA ${job.reference} will be repaired by ${String(d.data.promisedOn)}.`,
            `${job.reference} 的 ${job.quantity} 件预计于 ${String(d.data.promisedOn)} 前修复。`,
          ],
        });
      }
      return d;
    });
  let salesTold: Promise<unknown> = Promise.resolve();
  if (!(await condition(() => promised, Math.max(1, promiseDue.getTime() - Date.now())))) {
    salesTold = Promise.all([
      acts.notify({
        step: 'no-repair-date',
        roles: ['sales'],
        subject: `RMA ${job.reference}: no repair date yet`,
        lines: [
          `No repair date could be promised for RMA ${job.reference} within 2 working days of disassembly.`,
          'Agree the final disposal with the customer.',
        ],
      }),
      steps.must({
        step: 'no-repair-date',
        kind: 'rma.no-repair-date',
        title: `Tell the customer: no repair date yet for RMA ${job.reference}`,
        role: 'sales',
      }),
    ]);
  }

  // Waiting for material by type: each ordered kind is due back after its lead time.
  await ctx.setStep('material');
  let lastArrival = Date.now();
  await Promise.all(
    plan.arrivals.map(async (a) => {
      const arrived = await steps.must({
        step: `material-arrived:${a.kind}`,
        kind: 'rma.material-arrived',
        title: `${a.kind} material for RMA ${job.reference} arrived?`,
        role: 'production',
        dueAt: new Date(a.expectedAt),
        deadline: `material:${a.kind}`,
      });
      lastArrival = Math.max(lastArrival, arrived.at.getTime());
      await acts.materialArrived({ rmaId: job.rmaId, kind: a.kind, arrivedAt: arrived.at.toISOString() });
      ctx.onMaterial?.(a.kind, { arrivedAt: arrived.at.toISOString() });
    }),
  );
  await promise;

  // Late material moves the due date: production needs its working days after the kit is complete.
  const processDays = job.materials.filter((m) => m.kind === 'FOG' || m.kind === 'WATER_GLUE').length;
  const dueAfterKit = plan.arrivals.length
    ? addWorkingDays(job.calendar, new Date(lastArrival), rules.afterKitWorkingDays + processDays)
    : new Date(plan.repairDueAt);
  const repairDueAt = new Date(Math.max(dueAfterKit.getTime(), new Date(plan.repairDueAt).getTime()));

  await ctx.setStep('repair');
  const repair = await steps.must({
    step: 'repair',
    kind: 'rma.repair',
    title: `Repair ${job.quantity} pcs of RMA ${job.reference} (${who})`,
    role,
    dueAt: repairDueAt,
    payload: { quantity: job.quantity },
  });
  const repaired = Number(repair.data.repaired ?? 0);
  const scrapped = Number(repair.data.scrapped ?? 0);
  await acts.recordRepair({ rmaId: job.rmaId, step: 'repair', team: job.team, repaired, scrapped, by: repair.by });
  await Promise.all([ipqc, salesTold]);
  return { repaired, scrapped, repairDueAt: repairDueAt.toISOString(), decisions: steps.decisions };
}
