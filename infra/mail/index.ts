export { createMailTransport } from './transport';
export { startMailCatcher, type MailCatcher } from './catcher';
export { createOutboxSender, outboxBackoffMs, type OutboxSender, type OutboxSenderOptions } from './outbox-sender';
export { taskEscalationMail, taskReminderMail, type RenderedMail, type TaskMailContext } from './templates';
export { createDevMailRouter } from './dev-mail-router';
