/**
 * Node transports: SMTP through nodemailer, or, with no SMTP configured (the
 * embedded default), each email written as an .eml file under
 * DATA_DIR/mail/<tenant>/ with one log line.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from '../lib/logger.ts';
import type { MailTransport, OutgoingEmail, SmtpSettings } from './transport.ts';

const message = (from: { name: string; address: string }, m: OutgoingEmail) => ({
  from,
  to: m.toName ? { name: m.toName, address: m.to } : m.to,
  subject: m.subject,
  text: m.text,
  html: m.html,
  messageId: m.messageId,
});

export function smtpTransport(s: SmtpSettings): MailTransport {
  const t = nodemailer.createTransport({
    host: s.host,
    port: s.port,
    secure: s.secure,
    auth: s.user ? { user: s.user, pass: s.pass ?? '' } : undefined,
    // One connection for a delivery run's messages (closed by close()).
    pool: true,
    maxConnections: 1,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  });
  return {
    describe: `smtp://${s.host}:${s.port}`,
    send: async (m) => {
      await t.sendMail(message({ name: s.fromName, address: s.from }, m));
    },
    close: async () => t.close(),
  };
}

export function emlTransport(dir: string, log: Logger, from = { name: '下基层工作台账', address: 'noreply@grassroots.local' }): MailTransport {
  const t = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    describe: `eml:${dir}`,
    send: async (m) => {
      const info = await t.sendMail(message(from, m));
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${m.messageId.replace(/[^A-Za-z0-9]/g, '').slice(0, 40)}.eml`);
      writeFileSync(file, info.message as Buffer);
      log.info('mail_written', { file });
    },
  };
}
