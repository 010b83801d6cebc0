/**
 * The RMA's clocks (seed 002, 客退返修处理流程 and 3. 售后维修结单时效要求).
 *
 * - "接到通知后: 正常情况: 3个工作日内现场确认处理; 紧急情况: 第二天或特别安排" — on-site confirmation within
 *   3 working days of the notice; urgent: the next (working) day.
 * - "客退品入库后及时领料,2天内完成分类-分析" — classification and analysis within 2 days of receipt.
 * - "拆解2天内完成" — disassembly within 2 days.
 * - 3.2 "因故无法回复客户售后维修时间的,必须在售后品拆解后2天内联络给业务" — when no repair date can be promised,
 *   tell sales within 2 days after disassembly.
 * The seed's plain "天" (days) are counted as working days: the factory works Mon–Sat and nobody classifies on a
 * holiday; "工作日" is written out where the seed means it, and the 24 h report is on the clock (penalty.ts).
 */
import { addWorkingDays, type WorkingCalendar } from './calendar';

/** Working days for the on-site confirmation visit. */
export const SITE_VISIT_WORKING_DAYS = 3;
/** Working days for the visit when the complaint is urgent (the next working day). */
export const URGENT_SITE_VISIT_WORKING_DAYS = 1;
/** Working days for classification and analysis after receipt. */
export const CLASSIFICATION_WORKING_DAYS = 2;
/** Working days for disassembly. */
export const DISASSEMBLY_WORKING_DAYS = 2;
/** Working days after disassembly to promise a repair date before sales must be told. */
export const REPAIR_DATE_PROMISE_WORKING_DAYS = 2;

/** Due time of the on-site visit for a complaint registered at `notifiedAt`. */
export function siteVisitDueAt(cal: WorkingCalendar, notifiedAt: Date, urgent: boolean): Date {
  return addWorkingDays(cal, notifiedAt, urgent ? URGENT_SITE_VISIT_WORKING_DAYS : SITE_VISIT_WORKING_DAYS);
}

/** Due time of classification and analysis for units received at `receivedAt`. */
export function classificationDueAt(cal: WorkingCalendar, receivedAt: Date): Date {
  return addWorkingDays(cal, receivedAt, CLASSIFICATION_WORKING_DAYS);
}

/** Due time of disassembly started at `startedAt`. */
export function disassemblyDueAt(cal: WorkingCalendar, startedAt: Date): Date {
  return addWorkingDays(cal, startedAt, DISASSEMBLY_WORKING_DAYS);
}

/** Latest time to promise a repair date (else sales is told) after disassembly finished at `disassembledAt`. */
export function repairDatePromiseDueAt(cal: WorkingCalendar, disassembledAt: Date): Date {
  return addWorkingDays(cal, disassembledAt, REPAIR_DATE_PROMISE_WORKING_DAYS);
}

/**
 * Reminder time for a wait from `openedAt` to `dueAt`: halfway, so the person has time left to act before the
 * escalation at the due time.
 */
export function reminderAt(openedAt: Date, dueAt: Date): Date {
  return new Date(openedAt.getTime() + Math.max(0, dueAt.getTime() - openedAt.getTime()) / 2);
}

/**
 * 5. "需要内部检讨分析的主动发出品质检讨会通知,或者开出<品质异常处理单>安排内部检讨分析": the internal review a visit
 * calls for. The 品质异常处理单 falls under 备注 3's 24 hours; the seed gives the meeting no number, so it is held
 * within the 2 working days classification takes (configurable here).
 */
export type InternalReview = 'none' | 'meeting' | 'abnormality-form';
/** Working days to hold a quality review meeting after the visit that called for it. */
export const QUALITY_REVIEW_MEETING_WORKING_DAYS = 2;
/** Hours to process a quality-abnormality form (备注 3: 24 小时内处理完毕). */
export const ABNORMALITY_FORM_HOURS = 24;

/** Due time of the internal review a visit at `calledAt` asked for. */
export function qualityReviewDueAt(cal: WorkingCalendar, calledAt: Date, form: Exclude<InternalReview, 'none'>): Date {
  return form === 'abnormality-form'
    ? new Date(calledAt.getTime() + ABNORMALITY_FORM_HOURS * 3_600_000)
    : addWorkingDays(cal, calledAt, QUALITY_REVIEW_MEETING_WORKING_DAYS);
}
