/** Workers transport: SMTP over Cloudflare TCP sockets (worker-mailer). One connection per delivery run. */
import { WorkerMailer } from 'worker-mailer';
import type { MailTransport, SmtpSettings } from './transport.ts';

export function workerSmtpTransport(s: SmtpSettings): MailTransport {
  let connection: Promise<WorkerMailer> | undefined;
  const connect = () =>
    (connection ??= WorkerMailer.connect({
      host: s.host,
      port: s.port,
      secure: s.secure,
      startTls: !s.secure,
      ...(s.user ? { credentials: { username: s.user, password: s.pass ?? '' }, authType: ['plain', 'login'] as ('plain' | 'login')[] } : {}),
      logLevel: 3,
    }));
  return {
    describe: `smtp://${s.host}:${s.port}`,
    send: async (m) => {
      const mailer = await connect();
      await mailer.send({
        from: { name: s.fromName, email: s.from },
        to: { name: m.toName ?? undefined, email: m.to } as { name: string; email: string },
        subject: m.subject,
        text: m.text,
        html: m.html,
        headers: { 'Message-ID': m.messageId },
      });
    },
    close: async () => {
      if (connection) await (await connection.catch(() => undefined))?.close();
      connection = undefined;
    },
  };
}
