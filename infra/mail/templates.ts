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

const due = (d: Date | null) => (d ? d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : 'no due time');

/** Reminder to the people who should act, before the deadline. */
export function taskReminderMail(task: TaskMailContext): RenderedMail {
  return render(
    `Reminder: ${task.title} (${task.caseType} ${task.caseId})`,
    [
      `The task "${task.title}" for ${task.caseType} ${task.caseId} is waiting for the ${task.role} role.`,
      `It is due at ${due(task.dueAt)}.`,
    ],
    task.link,
  );
}

/** Escalation to a manager when the deadline passed without action. */
export function taskEscalationMail(task: TaskMailContext): RenderedMail {
  return render(
    `Escalation: ${task.title} (${task.caseType} ${task.caseId}) is overdue`,
    [
      `The task "${task.title}" for ${task.caseType} ${task.caseId} was due at ${due(task.dueAt)} and is still open.`,
      `It waits for the ${task.role} role. Please follow up.`,
    ],
    task.link,
  );
}
