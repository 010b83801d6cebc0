import nodemailer, { type Transporter } from 'nodemailer';

/** Creates the SMTP transport for `smtpUrl` (smtp://user:pass@host:port or smtps://...). */
export function createMailTransport(smtpUrl: string): Transporter {
  const url = new URL(smtpUrl);
  return nodemailer.createTransport({
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 25)),
    secure: url.protocol === 'smtps:',
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    // Short timeouts: a down server should fail the attempt quickly and leave the email for the next one.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
}
