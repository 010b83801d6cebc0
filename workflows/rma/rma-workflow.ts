import {
  ApplicationFailure,
  executeChild,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { RmaActivities } from '../../activities/rma';
import {
  PRODUCTION_TASK_QUEUE,
  RMA_SEARCH_ATTRIBUTES,
  rmaRepairWorkflowId,
  rmaStateQuery,
  type RepairOutcome,
  type RmaOutcome,
  type RmaResolution,
  type RmaResult,
  type RmaStage,
  type RmaState,
  type RmaWorkflowInput,
} from '../../domain/rma/contract';
import { addWorkingDays, localDate } from '../../domain/rma/calendar';
import { countReceived, openCounts } from '../../domain/rma/counts';
import { QUOTE_DECISION_WORKING_DAYS } from '../../domain/rma/paid-repair';
import { localTime } from '../../domain/rma/routines';
import {
  classificationDueAt,
  qualityReviewDueAt,
  siteVisitDueAt,
  type InternalReview,
} from '../../domain/rma/deadlines';
import { correctedDates } from '../../domain/rma/claims';
import { refundProblem, resolutionIneligibility, resolutionProblem } from '../../domain/rma/resolution';
import { FOUR_EYES_REQUESTER, FOUR_EYES_REQUESTER_DID } from '../../domain/tasks/four-eyes';
import { formatMoney } from '../../domain/shared/money';
import type { Role } from '../../domain/tasks/roles';
import { DEFAULT_MATERIAL_RULES, spareRequest, type MaterialKind } from '../../domain/rma/materials';
import { daysLate, penaltyDayAt, PENALTY_PER_DAY_FEN, reportDueAt } from '../../domain/rma/penalty';
import { repairCharge, returnAcceptance, type Responsibility } from '../../domain/rma/responsibility';
import { analysisDepartment, repairTeam } from '../../domain/rma/routing';
import { decideWarranty } from '../../domain/rma/warranty';
import { DATABASE_WRITE, repeatWhileWaiting } from '../shared';
import { createStepTracker, type StepDone } from './steps';
import { runRepair } from './repair';
import { productionRepairWorkflow } from './production-repair-workflow';

const acts = proxyActivities<RmaActivities>(DATABASE_WRITE);

const DAY_MS = 86_400_000;
/** Days a replacement's faulty units are awaited before they are invoiced (no seed number; configurable). */
const DEFAULT_EXCHANGE_RETURN_DAYS = 30;
/** The customer is reminded weekly while faulty units of an exchange are outstanding. */
const EXCHANGE_REMINDER_DAYS = 7;

/**
 * Return-to-repair (seed 002): complaint → 24 h quality-abnormality report (50 CNY per day late) → on-site
 * visit within 3 working days (urgent: next) with the signed dispatch form → sales VP accepts the return →
 * then repair, exchange or refund → the report closed with root cause and corrective action.
 */
export async function rmaWorkflow(input: RmaWorkflowInput): Promise<RmaResult> {
  validate(input);
  const steps = createStepTracker(input.rmaId, input.customer.id);
  const cal = input.calendar;
  const rules = input.materialRules ?? DEFAULT_MATERIAL_RULES;
  const registeredAt = new Date(Date.now());

  const state: RmaState = {
    rmaId: input.rmaId,
    stage: 'registered',
    step: 'registered',
    openTasks: [],
    deadlines: steps.deadlines,
    decisions: steps.decisions,
    penalty: { days: 0, totalFen: 0, currency: 'CNY' },
  };
  let repairChildDecisions: RepairOutcome['decisions'] = [];
  setHandler(rmaStateQuery, (): RmaState => ({
    ...state,
    openTasks: steps.openTasks(),
    deadlines: steps.deadlines,
    decisions: [...steps.decisions, ...repairChildDecisions].sort((a, b) => a.at.localeCompare(b.at)),
  }));

  async function enterStage(stage: RmaStage, step: string = stage): Promise<void> {
    state.step = step;
    if (state.stage === stage) return;
    state.stage = stage;
    upsertSearchAttributes([{ key: RMA_SEARCH_ATTRIBUTES.stage, value: stage }]);
    await acts.projectStage({ rmaId: input.rmaId, stage });
  }
  await acts.projectStage({ rmaId: input.rmaId, stage: 'registered' });
  upsertSearchAttributes([{ key: RMA_SEARCH_ATTRIBUTES.stage, value: 'registered' }]);

  // The customer is told the reference and when the on-site confirmation will be done at the latest.
  const visitDueAt = siteVisitDueAt(cal, registeredAt, input.urgent);
  await acts.notify({
    step: 'received:customer',
    customerId: input.customer.id,
    subject: `RMA ${input.reference}: complaint received / 客诉已受理`,
    lines: [
      `We registered your complaint as RMA ${input.reference} (${input.complaint.quantity} pcs).`,
      `我们已登记您的客诉,编号 ${input.reference}(${input.complaint.quantity} 件)。`,
      `On-site confirmation by ${localTime(cal, visitDueAt)} (${cal.timeZone}) / 现场确认最迟于 ${localTime(cal, visitDueAt)}。`,
    ],
  });
  // Differences between goods, paperwork and quantity sales must settle with the customer (5.3.1).
  const salesFollowUps: Promise<unknown>[] = [];

  // The 24 h report runs beside the visit: the salesperson fills it while QA travels.
  const report = runQualityReport();

  // 接到通知后: 正常情况 3个工作日内现场确认处理; 紧急情况: 第二天 — on-site within 3 working days, urgent the next.
  await enterStage('site_visit');
  const visit = await steps.must({
    step: 'site-visit',
    kind: 'rma.site-visit',
    title: `On-site confirmation at ${input.customer.name} for RMA ${input.reference}${input.urgent ? ' (urgent)' : ''}`,
    role: 'qa',
    dueAt: visitDueAt,
    payload: { symptoms: input.complaint.symptoms, quantity: input.complaint.quantity, urgent: input.urgent },
  });
  const responsibility = visit.data.responsibility as Responsibility;
  state.responsibility = responsibility;
  await acts.recordResponsibility({
    rmaId: input.rmaId,
    responsibility,
    form: { visitedOn: visit.data.visitedOn, evidence: visit.data.evidence },
    customerSignatory: String(visit.data.customerSignatory),
    factorySignatory: String(visit.data.factorySignatory),
    by: visit.by,
  });

  // 5. <客户服务派遣单>以邮件方式发送给相关单位 — the signed dispatch form goes by email to the departments involved.
  const internalReview = (visit.data.internalReview as InternalReview | undefined) ?? 'none';
  const dispatchRoles: Role[] = ['sales', 'qa', 'warehouse', 'engineer'];
  if (repairTeam(input.complaint.quantity) === 'production_line') dispatchRoles.push('production');
  await acts.notify({
    step: 'dispatch-form',
    roles: dispatchRoles,
    subject: `RMA ${input.reference}: service dispatch form / 客户服务派遣单`,
    lines: [
      `Customer / 客户: ${input.customer.name}${input.customer.address ? `, ${input.customer.address}` : ''}`,
      `Product / 产品: ${input.product.model ?? '—'} ${input.product.partNumber ?? ''} · ${input.complaint.quantity} pcs / 件`,
      `Symptoms / 不良现象: ${input.complaint.symptoms}`,
      `Visited on / 现场确认日期: ${String(visit.data.visitedOn)}`,
      `Responsibility / 责任判定: ${RESPONSIBILITY_WORDS[responsibility]}`,
      `Findings / 确认结果: ${String(visit.data.evidence)}`,
      `Signed by / 签字: ${String(visit.data.customerSignatory)} (customer / 客户), ${String(visit.data.factorySignatory)} (factory / 我司)`,
      `Internal review / 内部检讨: ${INTERNAL_REVIEW_WORDS[internalReview]}`,
    ],
  });
  const qualityReview = internalReview === 'none' ? undefined : runQualityReview(internalReview, visit.at);

  // 第二步 客户信息核实: what the customer claimed is confirmed or corrected by staff before money depends on it.
  await enterStage('acceptance', 'confirm-claims');
  const claimed = {
    saleDate: input.product.saleDate ?? null,
    productionDate: input.product.productionDate ?? null,
    quantity: input.complaint.quantity,
  };
  const confirmation = await steps.must({
    step: 'confirm-claims',
    kind: 'rma.confirm-claims',
    title: `Confirm what the customer claimed on RMA ${input.reference} (sale / production date, quantity)`,
    role: 'sales',
    payload: { claimed, openedQuantity: input.complaint.quantity, orderId: input.complaint.orderId ?? null },
  });
  const confirmed = {
    saleDate: (confirmation.data.saleDate as string | null | undefined) ?? null,
    productionDate: (confirmation.data.productionDate as string | null | undefined) ?? null,
    quantity: Number(confirmation.data.quantity ?? input.complaint.quantity),
  };
  const corrected = [
    ...correctedDates(claimed, { ...confirmed, confirmedBy: confirmation.by }),
    ...(confirmed.quantity !== claimed.quantity ? ['quantity'] : []),
  ];
  state.claims = { claimed, confirmed, corrected };
  await acts.recordConfirmedClaims({
    rmaId: input.rmaId,
    claimed,
    confirmed,
    corrected,
    source: String(confirmation.data.source ?? ''),
    by: confirmation.by,
  });
  // Eligibility for exchange or refund rests on the confirmed dates, as of today.
  const warrantyNow = decideWarranty(confirmed, localDate(cal, new Date(Date.now())));

  // The sales VP decides on the approved report (呈销售副总审核); outsourced products: quality-caused only.
  await report;
  await enterStage('acceptance', 'return-acceptance');
  const acceptanceRule = returnAcceptance(input.product.outsourced, responsibility);
  const acceptance = await steps.must({
    step: 'return-acceptance',
    kind: 'rma.return-acceptance',
    title: `Accept or reject the return of RMA ${input.reference}`,
    role: 'sales_manager',
    payload: {
      responsibility,
      warranty: warrantyNow.status,
      outsourced: input.product.outsourced,
      rule: acceptanceRule,
      requested: input.complaint.requestedResolution,
    },
  });

  let outcome: RmaOutcome;
  if (acceptance.decision === 'reject') {
    outcome = 'rejected';
    const reason = typeof acceptance.data.reason === 'string' ? acceptance.data.reason : 'not stated / 未说明';
    await acts.notify({
      step: 'rejected:customer',
      customerId: input.customer.id,
      subject: `RMA ${input.reference}: return not accepted / 退货未被接受`,
      lines: [
        `Your return under RMA ${input.reference} was not accepted. Reason: ${reason}`,
        `您的退货(${input.reference})未被接受。原因:${reason}`,
      ],
    });
  } else {
    // 外协 5.1.1: an outsourced product's return not caused by quality becomes a paid repair.
    const forcedPaidRepair = acceptanceRule === 'paid_repair_only';
    const asked: RmaResolution = forcedPaidRepair
      ? 'repair'
      : ((acceptance.data.resolution as RmaResolution | undefined) ?? input.complaint.requestedResolution);
    const resolution = await eligibleResolution(asked, acceptance);
    state.resolution = resolution;
    if (resolution === 'exchange') outcome = await exchangePath();
    else if (resolution === 'refund') outcome = await refundPath();
    else outcome = await repairPath(responsibility, forcedPaidRepair);
  }

  await Promise.all(salesFollowUps);
  // The report closes on the internal review's findings when the visit called for one.
  const review = await qualityReview;
  // 报告关闭 — the report is closed with root cause and corrective action.
  await enterStage('closing', 'close-report');
  const close = await steps.must({
    step: 'close-report',
    kind: 'rma.close-report',
    title: `Close the quality-abnormality report of RMA ${input.reference} (${outcome})`,
    role: 'qa',
    payload: {
      outcome,
      ...(review
        ? { review: { rootCause: review.data.rootCause, correctiveActions: review.data.correctiveActions } }
        : {}),
    },
  });
  state.outcome = outcome;
  await acts.closeCase({
    rmaId: input.rmaId,
    outcome,
    rootCause: String(close.data.rootCause),
    correctiveAction: String(close.data.correctiveAction),
    by: close.by,
  });
  await acts.notify({
    step: 'closed:customer',
    customerId: input.customer.id,
    subject: `RMA ${input.reference}: closed / 已结案`,
    lines: [
      `RMA ${input.reference} is closed. Please tell us how we did (evaluation in the portal).`,
      `${input.reference} 已结案。欢迎在客户门户中评价我们的售后服务。`,
    ],
  });
  state.stage = 'closed';
  state.step = 'closed';
  upsertSearchAttributes([{ key: RMA_SEARCH_ATTRIBUTES.stage, value: 'closed' }]);
  return { outcome, penaltyFen: state.penalty.totalFen };

  /**
   * Exchange and refund only where the fault is ours and the unit in warranty; otherwise a manager (not the person
   * who accepted the return) approves the exception, or the case becomes a repair. The API refuses an ineligible
   * choice without an exception request (422); a completion that bypassed it is treated the same way here.
   */
  async function eligibleResolution(asked: RmaResolution, accepted: StepDone): Promise<RmaResolution> {
    const why = resolutionIneligibility(asked, responsibility, warrantyNow.status);
    if (!why) return asked;
    const reason = typeof accepted.data.exceptionReason === 'string' ? accepted.data.exceptionReason : '';
    let refusal = `${asked} is not allowed: ${why}`;
    if (reason) {
      state.step = 'resolution-exception';
      const exception = await steps.must({
        step: 'resolution-exception',
        kind: 'rma.resolution-exception',
        title: `Exception: ${asked} for RMA ${input.reference} although ${why}`,
        role: 'manager',
        escalateTo: ['admin'],
        payload: {
          resolution: asked,
          why,
          reason,
          responsibility,
          warranty: warrantyNow.status,
          [FOUR_EYES_REQUESTER]: accepted.by.userId,
        },
      });
      const problem =
        exception.decision === 'approve'
          ? resolutionProblem({
              resolution: asked,
              responsibility,
              warranty: warrantyNow.status,
              decidedBy: accepted.by,
              exception: { approvedBy: exception.by, reason },
            })
          : { field: 'exception', message: 'the manager refused the exception' };
      await acts.auditDecision({
        rmaId: input.rmaId,
        step: 'resolution-exception',
        decision: problem ? 'refused' : 'approved',
        by: exception.by,
        data: { resolution: asked, why, reason, problem: problem?.message ?? null },
      });
      if (!problem) return asked;
      refusal = `${refusal}; ${problem.message}`;
    } else {
      await acts.auditDecision({
        rmaId: input.rmaId,
        step: 'resolution-refused',
        decision: 'refused',
        by: accepted.by,
        data: { resolution: asked, why },
      });
    }
    state.resolutionRefused = refusal;
    await acts.notify({
      step: 'resolution-refused',
      roles: ['sales', 'sales_manager'],
      customerId: input.customer.id,
      subject: `RMA ${input.reference}: ${asked === 'exchange' ? 'exchange' : 'refund'} not granted, handled as a repair / ${asked === 'exchange' ? '换货' : '退款'}不予受理,按维修处理`,
      lines: [
        `RMA ${input.reference}: ${refusal}. The units will be repaired.`,
        `${input.reference}:${why === 'the unit is out of warranty' ? '产品已过保修期' : '责任不在我司'},${asked === 'exchange' ? '换货' : '退款'}不予受理,按维修处理。`,
      ],
    });
    return 'repair';
  }

  /** 品质检讨会通知 or 品质异常处理单: QA runs the internal review the visit called for (reminded, escalated to managers). */
  async function runQualityReview(form: Exclude<InternalReview, 'none'>, calledAt: Date): Promise<StepDone> {
    const dueAt = qualityReviewDueAt(cal, calledAt, form);
    await acts.notify({
      step: 'quality-review:notice',
      roles: ['qa', 'engineer', 'production', 'sales'],
      subject:
        form === 'meeting'
          ? `RMA ${input.reference}: quality review meeting by ${localTime(cal, dueAt)} / 品质检讨会通知`
          : `RMA ${input.reference}: quality-abnormality form to process by ${localTime(cal, dueAt)} / 品质异常处理单`,
      lines: [
        `${input.customer.name}: ${input.complaint.symptoms} (${input.complaint.quantity} pcs), responsibility ${RESPONSIBILITY_WORDS[responsibility]}.`,
        form === 'meeting'
          ? `Please attend the quality review meeting before ${localTime(cal, dueAt)}. / 请于 ${localTime(cal, dueAt)} 前参加品质检讨会。`
          : `The quality-abnormality form must be processed by ${localTime(cal, dueAt)}. / 品质异常处理单须于 ${localTime(cal, dueAt)} 前处理完毕。`,
      ],
    });
    const done = await steps.must({
      step: 'quality-review',
      kind: 'rma.quality-review',
      title:
        form === 'meeting'
          ? `Hold the quality review meeting of RMA ${input.reference}`
          : `Process the quality-abnormality form of RMA ${input.reference}`,
      role: 'qa',
      dueAt,
      deadline: 'quality-review',
      escalateTo: ['manager'],
      payload: { form, responsibility, symptoms: input.complaint.symptoms, quantity: input.complaint.quantity },
    });
    await acts.auditDecision({
      rmaId: input.rmaId,
      step: 'quality-review',
      decision: done.decision,
      by: done.by,
      data: { form, ...done.data },
    });
    return done;
  }

  /** 《品质异常处理报告》应在 24 小时内处理完毕,拖延一天处罚 50 元 — each full day late adds 50 CNY and emails the managers. */
  async function runQualityReport(): Promise<StepDone> {
    const dueAt = reportDueAt(registeredAt);
    const penalize = async (day: number) => {
      const r = await acts.recordReportPenalty({
        rmaId: input.rmaId,
        reference: input.reference,
        day,
        dueAt: dueAt.toISOString(),
        responsibleParty: 'sales',
      });
      state.penalty = { days: r.days, totalFen: r.totalFen, currency: 'CNY' };
    };
    // Each full day late is charged as it completes, for as long as the report stays open.
    const done = await repeatWhileWaiting(
      steps.must({
        step: 'quality-report',
        kind: 'rma.quality-report',
        title: `Quality-abnormality report for RMA ${input.reference} (24 h)`,
        role: 'sales',
        dueAt,
        deadline: 'quality-report-24h',
        payload: { symptoms: input.complaint.symptoms, quantity: input.complaint.quantity },
      }),
      { firstAt: penaltyDayAt(dueAt, 1).getTime(), everyMs: DAY_MS },
      penalize,
    );
    // The completion time decides: a day that passed in full before the person finished is charged even if
    // the workflow heard of it late.
    for (let day = 1; day <= daysLate(dueAt, done.at); day++) {
      if (day * PENALTY_PER_DAY_FEN > state.penalty.totalFen) await penalize(day);
    }
    return done;
  }

  /** Receives the returned units (same day, labelled), recording any difference from the complaint for sales. */
  async function receiveReturned(stage: RmaStage): Promise<{ receivedAt: Date; receivedQuantity: number }> {
    // 产品退回后当天必须入库 — stock-in the day the units come back, labelled.
    await enterStage(stage, 'receive-units');
    const received = await steps.must({
      step: 'receive-units',
      kind: 'rma.receive-units',
      title: `Receive the returned units of RMA ${input.reference} (same day, labelled)`,
      role: 'warehouse',
      payload: {
        quantity: input.complaint.quantity,
        partNumber: input.product.partNumber,
        model: input.product.model,
        customer: input.customer.name,
      },
    });
    const receivedAt = received.at;
    const receivedQuantity = Number(received.data.quantity ?? input.complaint.quantity);
    // 外协 5.3.1: 如货、单或数量不一致时需及时通知业务部售后专员同客户沟通处理 — a difference is recorded and sales told.
    const count = countReceived(openCounts(input.complaint.quantity), receivedQuantity);
    if (count.ok && count.difference) {
      const difference = count.difference;
      await acts.recordCountDifference({ rmaId: input.rmaId, reference: input.reference, ...difference });
      salesFollowUps.push(
        steps.must({
          step: 'count-difference',
          kind: 'rma.count-difference',
          title: `RMA ${input.reference}: ${difference.note} — settle it with the customer`,
          role: 'sales',
          payload: { ...difference },
        }),
      );
    }
    await acts.receiveUnits({
      rmaId: input.rmaId,
      quantity: receivedQuantity,
      receivedAt: receivedAt.toISOString(),
      units: (received.data.units as { serial?: string; partNumber: string; model: string }[] | undefined) ?? [],
      label: {
        partNumber: input.product.partNumber ?? '',
        model: input.product.model ?? '',
        customerName: input.customer.name,
        customerAddress: input.customer.address ?? null,
      },
    });
    const arrivedAt = new Date(String(received.data.arrivedAt ?? receivedAt.toISOString()));
    if (localDate(cal, arrivedAt) !== localDate(cal, receivedAt)) {
      await acts.notify({
        step: 'late-stock-in',
        roles: ['manager'],
        subject: `RMA ${input.reference}: returned units not stocked in the day they arrived`,
        lines: [`Units arrived ${arrivedAt.toISOString()} and were stocked in ${receivedAt.toISOString()}.`],
      });
    }
    return { receivedAt, receivedQuantity };
  }

  async function repairPath(resp: Responsibility, forcedPaid: boolean): Promise<RmaOutcome> {
    const { receivedAt, receivedQuantity } = await receiveReturned('receiving');

    // 客退品入库后 … 2天内完成分类-分析; key customers / products → R&D, others → technical department.
    const department = analysisDepartment({
      keyCustomer: input.customer.keyCustomer,
      keyProduct: input.product.keyProduct,
    });
    state.analysisDepartment = department;
    await enterStage('analysis', 'classify');
    const classified = await steps.must({
      step: 'classify',
      kind: 'rma.classify',
      title: `Classify and analyse RMA ${input.reference} (${department === 'rd' ? 'R&D' : 'technical department'})`,
      role: 'engineer',
      dueAt: classificationDueAt(cal, receivedAt),
      payload: { department, received: receivedQuantity },
    });
    const good = Number(classified.data.good ?? 0);
    const materials =
      (classified.data.materials as
        { kind: MaterialKind; inStock: boolean; fogStage?: 'beforeFog' | 'afterFog' }[] | undefined) ?? [];

    // 保修期: 12 months from sale, else production + 18 months; free only in warranty and not the user's fault.
    const warranty = decideWarranty(
      { saleDate: confirmed.saleDate, productionDate: confirmed.productionDate },
      localDate(cal, receivedAt),
    );
    state.warranty = warranty;
    const charge = forcedPaid ? 'paid' : repairCharge(warranty.status, resp);
    state.charge = charge;
    await acts.classifyUnits({
      rmaId: input.rmaId,
      good,
      units: (classified.data.units as { serial: string; classification: 'good' | 'scrap' }[] | undefined) ?? [],
      warranty: warranty.status,
    });
    if (good === 0) return scrapUnits('Nothing repairable: scrap the returned units');

    if (charge === 'paid') {
      // 超过保修期产品按照维修标准拟定收费清单后反馈业务助理,待业务助理确认维修后进入返修流程.
      await enterStage('quotation', 'repair-quote');
      const quote = await steps.must({
        step: 'repair-quote',
        kind: 'rma.repair-quote',
        title: `Paid-repair quote for RMA ${input.reference} (${good} pcs)`,
        role: 'sales',
        payload: { warranty, responsibility: resp, quantity: good, charge },
      });
      state.step = 'quote-confirmation';
      const amountFen = Number(quote.data.amountFen);
      const amount = formatMoney(amountFen, 'CNY', 'en');
      const decideBy = addWorkingDays(cal, new Date(Date.now()), QUOTE_DECISION_WORKING_DAYS);
      await acts.notify({
        step: 'repair-quote:customer',
        customerId: input.customer.id,
        subject: `RMA ${input.reference}: repair quote ${amount} / 维修报价 ${formatMoney(amountFen, 'CNY', 'zh')}`,
        lines: [
          `The repair of ${good} pcs under RMA ${input.reference} is chargeable (${warranty.status === 'in_warranty' ? 'fault not covered' : 'out of warranty'}): ${amount}.`,
          `${input.reference} 的 ${good} 件维修为收费维修:${formatMoney(amountFen, 'CNY', 'zh')}。`,
          `Please accept or decline in the portal by ${localTime(cal, decideBy)} / 请于 ${localTime(cal, decideBy)} 前在客户门户确认。`,
        ],
      });
      // The customer's answer has a deadline: reminded halfway, sales told at the deadline to chase it.
      const confirmation = await steps.must({
        step: 'quote-confirmation',
        kind: 'rma.quote-confirmation',
        title: `Confirm the paid repair of RMA ${input.reference}: ${amount}`,
        role: 'customer',
        dueAt: decideBy,
        deadline: 'quote-decision',
        escalateTo: ['sales', 'sales_manager'],
        payload: { amountFen: quote.data.amountFen, quantity: good },
      });
      if (confirmation.decision === 'decline') {
        if (confirmation.data.onDecline === 'scrap')
          return scrapUnits('Customer declined the paid repair and asked to scrap the units');
        await enterStage('shipping', 'return-unrepaired');
        await ship('return-unrepaired', 'Ship the units back unrepaired');
        return 'returned_unrepaired';
      }
      await acts.raiseInvoice({
        rmaId: input.rmaId,
        reference: input.reference,
        customerId: input.customer.id,
        purpose: 'repair',
        amountFen: Number(quote.data.amountFen),
      });
    }

    // 提出物料预估申请发送PMC — spare material on top of Q by tier.
    await enterStage('material', 'material-request');
    const requests = materials.map((m) => ({ ...spareRequest(m.kind, good, rules, m.fogStage), inStock: m.inStock }));
    state.materials = requests.map((r) => ({ kind: r.kind, inStock: r.inStock, spareQuantity: r.spareQuantity }));
    await acts.requestMaterials({ rmaId: input.rmaId, reference: input.reference, requests });
    // 由PMC下单,按FPC:7天,SMT:2天… — each material's lead time runs from this request to PMC, not from disassembly.
    const materialRequestedAt = new Date(Date.now()).toISOString();

    // ≤200PCS 售后维修, >200PCS 生产维修.
    const team = repairTeam(good);
    state.repairTeam = team;
    const needs = materials.map((m) => ({ kind: m.kind, inStock: m.inStock }));
    const onMaterial = (kind: MaterialKind, u: { expectedAt?: string; arrivedAt?: string }) => {
      const m = state.materials?.find((x) => x.kind === kind);
      if (m) Object.assign(m, u);
    };
    await enterStage(
      team === 'after_sales' ? 'disassembly' : 'repair',
      team === 'after_sales' ? 'disassembly' : 'production-repair',
    );
    let repair: RepairOutcome;
    if (team === 'after_sales') {
      repair = await runRepair(
        {
          rmaId: input.rmaId,
          reference: input.reference,
          customerId: input.customer.id,
          quantity: good,
          team,
          materials: needs,
          materialRequestedAt,
          calendar: cal,
          rules,
        },
        {
          steps,
          acts,
          onMaterial,
          setStep: (s) => (s === 'repair' ? enterStage('repair') : void (state.step = s)),
        },
      );
    } else {
      repair = await executeChild(productionRepairWorkflow, {
        workflowId: rmaRepairWorkflowId(input.rmaId),
        taskQueue: PRODUCTION_TASK_QUEUE,
        args: [
          {
            rmaId: input.rmaId,
            reference: input.reference,
            customerId: input.customer.id,
            quantity: good,
            materials: needs,
            materialRequestedAt,
            calendar: cal,
            materialRules: input.materialRules,
          },
        ],
      });
      repairChildDecisions = repair.decisions;
    }
    state.repairDueAt = repair.repairDueAt;

    // QA confirmation, then outgoing inspection; a failure sends the units back to rework.
    let repairedNow = repair.repaired;
    await enterStage('inspection', 'qa-confirmation');
    for (let attempt = 1; ; attempt++) {
      const suffix = attempt === 1 ? '' : `#${attempt}`;
      state.step = `qa-confirmation${suffix}`;
      const qa = await steps.must({
        step: `qa-confirmation${suffix}`,
        kind: 'rma.qa-check',
        title: `QA confirmation of the repaired units of RMA ${input.reference}`,
        role: 'qa',
      });
      let passed = qa.decision === 'pass';
      if (passed) {
        state.step = `outgoing-inspection${suffix}`;
        const oqc = await steps.must({
          step: `outgoing-inspection${suffix}`,
          kind: 'rma.qa-check',
          title: `Outgoing inspection of RMA ${input.reference}`,
          role: 'qa',
        });
        passed = oqc.decision === 'pass';
      }
      if (passed) break;
      state.step = `rework#${attempt}`;
      const rework = await steps.must({
        step: `rework#${attempt}`,
        kind: 'rma.repair',
        title: `Rework the units of RMA ${input.reference} that failed inspection`,
        role: team === 'after_sales' ? 'qa' : 'production',
        payload: { quantity: repairedNow, rework: true },
      });
      await acts.recordRepair({
        rmaId: input.rmaId,
        step: `rework#${attempt}`,
        team,
        repaired: Number(rework.data.repaired ?? 0),
        scrapped: Number(rework.data.scrapped ?? 0),
        by: rework.by,
      });
      repairedNow -= Number(rework.data.scrapped ?? 0);
    }

    await enterStage('shipping', 'pack');
    await steps.must({
      step: 'pack',
      kind: 'rma.warehouse-done',
      title: `Pack the ${repairedNow} repaired units of RMA ${input.reference}`,
      role: 'warehouse',
      payload: { quantity: repairedNow },
    });
    if (charge === 'paid') {
      // 收费维修产品收费确认 — like an order: paid before ship-back, or on a statement entry for approved monthly credit.
      state.step = 'repair-payment';
      const release = await acts.repairRelease({
        rmaId: input.rmaId,
        reference: input.reference,
        customerId: input.customer.id,
      });
      let payment: { reference: string; amountFen: number; confirmedBy: string } | undefined;
      if (!release.release) {
        const paid = await steps.must({
          step: 'repair-payment',
          kind: 'rma.repair-payment',
          title: `Record the payment of RMA ${input.reference}'s repair (${formatMoney(release.outstandingFen)}) before ship-back`,
          role: 'finance',
          escalateTo: ['sales', 'manager'],
          // The reason as a code, which the task page says in the reader's language (a result recorded before
          // codes existed carries only the English sentence).
          payload: { outstandingFen: release.outstandingFen, reason: release.code ?? release.reason },
        });
        payment = {
          reference: String(paid.data.reference),
          amountFen: Number(paid.data.amountFen),
          confirmedBy: paid.by.userId,
        };
      }
      await acts.settleRepairInvoice({
        rmaId: input.rmaId,
        reference: input.reference,
        by: release.release ? release.by : 'paid',
        payment,
      });
    }
    state.step = 'ship-back';
    await ship('ship-back', 'Ship the repaired units back');
    return 'repaired';
  }

  async function scrapUnits(title: string): Promise<RmaOutcome> {
    await enterStage('shipping', 'scrap');
    const done = await steps.must({
      step: 'scrap',
      kind: 'rma.warehouse-done',
      title: `${title} (RMA ${input.reference})`,
      role: 'warehouse',
    });
    await acts.auditDecision({
      rmaId: input.rmaId,
      step: 'scrap',
      decision: done.decision,
      by: done.by,
      data: { reason: title },
    });
    return 'scrapped';
  }

  async function ship(step: string, title: string): Promise<void> {
    const shipped = await steps.must({
      step,
      kind: 'rma.shipment',
      title: `${title} (RMA ${input.reference})`,
      role: 'warehouse',
    });
    const tracking = { carrier: String(shipped.data.carrier), trackingNumber: String(shipped.data.trackingNumber) };
    state.tracking = tracking;
    await acts.recordShipment({ rmaId: input.rmaId, purpose: step, ...tracking, by: shipped.by });
    await acts.notify({
      step: `${step}:customer`,
      customerId: input.customer.id,
      subject: `RMA ${input.reference}: shipped / 已发货`,
      lines: [
        `${title}: ${tracking.carrier}, tracking number ${tracking.trackingNumber}.`,
        `已发货:${tracking.carrier},运单号 ${tracking.trackingNumber}。`,
      ],
    });
  }

  /** 换货品: a replacement ships first; the faulty units are expected back (weekly reminders), else invoiced. */
  async function exchangePath(): Promise<RmaOutcome> {
    // The replacement covers the quantity staff confirmed, so unreturned units are invoiced against it.
    const replaced = confirmed.quantity;
    await enterStage('exchange', 'ship-replacement');
    await ship('ship-replacement', 'Ship the replacement units');
    state.step = 'faulty-return';
    const waitDays = input.exchangeReturnDays ?? DEFAULT_EXCHANGE_RETURN_DAYS;
    const waitStartedAt = Date.now();
    const giveUpAt = new Date(waitStartedAt + waitDays * DAY_MS);
    // The customer is reminded weekly while the faulty units are outstanding (not on the day the wait ends).
    const back = await repeatWhileWaiting(
      steps.run({
        step: 'faulty-return',
        kind: 'rma.faulty-return',
        title: `Receive the faulty units of RMA ${input.reference} (exchange)`,
        role: 'warehouse',
        dueAt: giveUpAt,
        deadline: 'faulty-units-back',
        giveUpAt,
        payload: { replaced: replaced },
      }),
      {
        firstAt: waitStartedAt + EXCHANGE_REMINDER_DAYS * DAY_MS,
        everyMs: EXCHANGE_REMINDER_DAYS * DAY_MS,
        max: Math.ceil(waitDays / EXCHANGE_REMINDER_DAYS) - 1,
      },
      (week) =>
        acts
          .notify({
            step: `faulty-return-reminder-${week}`,
            customerId: input.customer.id,
            subject: `RMA ${input.reference}: please return the faulty units / 请退回不良品`,
            // The last day in the factory's calendar, in English and Chinese.
            lines: [
              `We shipped your replacement. Please send back the ${replaced} faulty units by ${localDate(cal, giveUpAt)}; units not returned will be invoiced.`,
              `${input.reference} 的更换品已寄出。请于 ${localDate(cal, giveUpAt)} 前寄回 ${replaced} 件不良品；未寄回的将开票收费。`,
            ],
          })
          .then(() => undefined),
    );
    const returnedQuantity = back ? Number(back.data.quantity ?? replaced) : 0;
    const unreturned = replaced - returnedQuantity;
    if (unreturned <= 0) return 'exchanged';
    if (back) {
      // Fewer came back than were replaced: the difference is recorded, sales told, and the rest invoiced.
      await acts.recordCountDifference({
        rmaId: input.rmaId,
        reference: input.reference,
        step: 'faulty-return',
        field: 'quantity',
        expected: replaced,
        actual: returnedQuantity,
        note: `${unreturned} faulty pcs not returned: invoiced`,
      });
    }
    state.step = 'invoice-unreturned';
    const invoice = await steps.must({
      step: 'invoice-unreturned',
      kind: 'rma.invoice-unreturned',
      title: `Invoice ${input.customer.name} for the ${unreturned} faulty units of RMA ${input.reference} never returned`,
      role: 'finance',
      payload: { unreturned },
    });
    await acts.raiseInvoice({
      rmaId: input.rmaId,
      reference: input.reference,
      customerId: input.customer.id,
      purpose: 'unreturned',
      amountFen: Number(invoice.data.amountFen),
    });
    return 'exchanged_invoiced';
  }

  /**
   * 退款: the goods received and inspected (电子商务行业客户退货流程 五) → customer-service review → finance approval
   * → payment by someone other than the approver → the customer confirms. The amount is capped by what the customer
   * paid for the inspected units of the linked order (退款管理制度 四.3–5).
   */
  async function refundPath(): Promise<RmaOutcome> {
    const { receivedQuantity } = await receiveReturned('refund');
    state.step = 'refund-inspection';
    const inspection = await steps.must({
      step: 'refund-inspection',
      kind: 'rma.refund-inspection',
      title: `Inspect the ${receivedQuantity} pcs returned for the refund of RMA ${input.reference}`,
      role: 'qa',
      payload: { received: receivedQuantity, symptoms: input.complaint.symptoms },
    });
    const units = Number(inspection.data.units ?? 0);
    if (inspection.decision === 'refused' || units === 0)
      return refundRefused(
        `the inspection found no unit the refund can cover: ${String(inspection.data.findings ?? '')}`,
      );
    const cap = await acts.refundCap({
      customerId: input.customer.id,
      orderId: input.complaint.orderId ?? null,
      units,
    });
    state.step = 'refund-review';
    await enterStage('refund', 'refund-review');
    const review = await steps.must({
      step: 'refund-review',
      kind: 'rma.refund-decision',
      title: `Review the refund of RMA ${input.reference} (${units} pcs, at most ${formatMoney(cap.capFen)})`,
      role: 'sales',
      payload: { units, capFen: cap.capFen, capBasis: cap.basis },
    });
    if (review.decision === 'reject')
      return refundRefused(
        typeof review.data.reason === 'string' ? review.data.reason : 'rejected by customer service',
      );
    state.step = 'refund-approval';
    const approval = await steps.must({
      step: 'refund-approval',
      kind: 'rma.refund-decision',
      title: `Approve the refund of RMA ${input.reference}`,
      role: 'finance',
      payload: { amountFen: review.data.amountFen ?? cap.capFen, units, capFen: cap.capFen, capBasis: cap.basis },
    });
    if (approval.decision === 'reject')
      return refundRefused(typeof approval.data.reason === 'string' ? approval.data.reason : 'rejected by finance');
    const amountFen = Number(approval.data.amountFen ?? review.data.amountFen ?? cap.capFen);
    const problem = refundProblem({ amountFen, capFen: cap.capFen, received: receivedQuantity > 0, inspected: true });
    if (problem) return refundRefused(`${problem.field}: ${problem.message}`);
    state.step = 'refund-payment';
    // Four eyes: whoever approved the refund cannot also pay it.
    const paid = await steps.must({
      step: 'refund-payment',
      kind: 'rma.refund-payment',
      title: `Pay the refund of RMA ${input.reference}: ${formatMoney(amountFen)}`,
      role: 'finance',
      payload: {
        amountFen,
        [FOUR_EYES_REQUESTER]: approval.by.userId,
        [FOUR_EYES_REQUESTER_DID]: 'approved this refund',
      },
    });
    await acts.auditDecision({
      rmaId: input.rmaId,
      step: 'refund-payment',
      decision: 'paid',
      by: paid.by,
      data: { reference: paid.data.reference, amountFen, approvedBy: approval.by.userId },
    });
    state.step = 'refund-confirmation';
    await steps.must({
      step: 'refund-confirmation',
      kind: 'rma.customer-confirmation',
      title: `Confirm the refund of RMA ${input.reference} was received`,
      role: 'customer',
    });
    return 'refunded';
  }

  async function refundRefused(reason: string): Promise<RmaOutcome> {
    await acts.auditDecision({
      rmaId: input.rmaId,
      step: 'refund-refused',
      decision: 'refused',
      by: null,
      data: { reason },
    });
    await acts.notify({
      step: 'refund-refused:customer',
      customerId: input.customer.id,
      subject: `RMA ${input.reference}: refund not granted / 退款未获批准`,
      lines: [
        `The refund under RMA ${input.reference} was not granted. Reason: ${reason}`,
        `${input.reference} 的退款未获批准。原因:${reason}`,
      ],
    });
    return 'refund_rejected';
  }
}

/** Whose fault, in both languages (for the dispatch form and notices). */
const RESPONSIBILITY_WORDS: Record<Responsibility, string> = {
  factory: 'ours / 我责',
  customer: "the customer's / 客责",
  shared: 'shared / 双方',
};
const INTERNAL_REVIEW_WORDS: Record<InternalReview, string> = {
  none: 'none / 无',
  meeting: 'quality review meeting / 品质检讨会',
  'abnormality-form': 'quality-abnormality form / 品质异常处理单',
};

function validate(input: RmaWorkflowInput): void {
  const problems: string[] = [];
  if (!input.rmaId) problems.push('rmaId is required');
  if (!Number.isInteger(input.complaint.quantity) || input.complaint.quantity <= 0)
    problems.push('complaint.quantity must be a whole number > 0');
  if (!input.calendar?.workingDays?.length) problems.push('calendar.workingDays is empty');
  if (problems.length)
    throw ApplicationFailure.nonRetryable(`invalid RMA input: ${problems.join('; ')}`, 'InvalidRmaInput');
}
