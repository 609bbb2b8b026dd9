// Mail over SMTP (nodemailer) with the server of config.ts: TLS from the first byte, STARTTLS
// required, or plain (tests and local relays). The password stays in the transport; errors
// are nodemailer's messages, which never carry it.
import nodemailer from 'nodemailer';
import type { SmtpConfig } from '../../config.ts';

/** Every wait of a mail's conversation; a silent server fails the attempt, which is retried. */
const SMTP_TIMEOUT_MS = 20_000;

export async function sendMail(
  smtp: SmtpConfig,
  message: { to: string; subject: string; text: string; id: string },
): Promise<void> {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === 'tls',
    requireTLS: smtp.security === 'starttls',
    ignoreTLS: smtp.security === 'none',
    ...(smtp.auth ? { auth: { user: smtp.auth.user, pass: smtp.auth.password } } : {}),
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
    logger: false,
  });
  try {
    await transport.sendMail({
      from: smtp.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      // One Message-ID per delivery: a retry after a lost answer is recognisable as the same mail.
      messageId: `<${message.id}@tuplet>`,
    });
  } finally {
    transport.close();
  }
}
