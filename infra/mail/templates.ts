import { factoryDateTime } from '../../domain/shared/fields';
import { isRole, ROLE_NAMES } from '../../domain/tasks/roles';

/** A rendered email. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

function render(subject: string, lines: string[], link?: string): RenderedMail {
  const text = [...lines, ...(link ? ['', link] : []), '', '— SMT Works'].join('\n');
  const html =
    lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('\n') +
    (link ? `\n<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>` : '') +
    '\n<p>— SMT Works</p>';
  return { subject, text, html };
}

/** What the reminder and escalation templates say about a task. */
export interface TaskMailContext {
  title: string;
  caseType: string;
  caseId: string;
  role: string;
  dueAt: Date | null;
  /** Link to the task in the admin UI or API. */
  link?: string;
}

/** Case types as a Chinese reader names them (the browser's words, ui/src/i18n/server-texts.ts caseTypeName). */
const CASE_ZH: Record<string, string> = { quote: '报价单', order: '订单', rma: '返修单', customer: '客户' };

// Deadlines in the factory's time zone, named, as people there read them.
const due = (d: Date | null, lang: 'en' | 'zh') =>
  d ? factoryDateTime(d, lang) : lang === 'en' ? 'no due time' : '无截止时间';
const roleZh = (role: string) => (isRole(role) ? ROLE_NAMES[role].zh : role);
const caseZh = (task: TaskMailContext) => `${CASE_ZH[task.caseType] ?? task.caseType} ${task.caseId}`;

/**
 * Reminder to the people who should act, before the deadline; in English and Chinese, since a customer's task
 * reminds the customer. The title is the workflow's (English); the browser shows it translated.
 */
export function taskReminderMail(task: TaskMailContext): RenderedMail {
  return render(
    `Reminder: ${task.title} (${task.caseType} ${task.caseId}) / 任务提醒：${caseZh(task)}`,
    [
      `The task "${task.title}" for ${task.caseType} ${task.caseId} is waiting for the ${task.role} role.`,
      `It is due at ${due(task.dueAt, 'en')}.`,
      `${caseZh(task)} 的任务“${task.title}”正等待${roleZh(task.role)}处理。`,
      `截止时间：${due(task.dueAt, 'zh')}。`,
    ],
    task.link,
  );
}

/** Escalation to a manager when the deadline passed without action (English and Chinese, as every mail). */
export function taskEscalationMail(task: TaskMailContext): RenderedMail {
  return render(
    `Escalation: ${task.title} (${task.caseType} ${task.caseId}) is overdue / 任务逾期：${caseZh(task)}`,
    [
      `The task "${task.title}" for ${task.caseType} ${task.caseId} was due at ${due(task.dueAt, 'en')} and is still open.`,
      `It waits for the ${task.role} role. Please follow up.`,
      `${caseZh(task)} 的任务“${task.title}”已于 ${due(task.dueAt, 'zh')} 到期，仍未完成。`,
      `该任务等待${roleZh(task.role)}处理，请跟进。`,
    ],
    task.link,
  );
}
