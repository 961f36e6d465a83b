/**
 * What the jobs need from email: a transport that sends one message. The
 * entries choose it: nodemailer (SMTP) or .eml files on Node, worker-mailer
 * (SMTP over TCP sockets) on Workers.
 */
import * as v from 'valibot';

export interface OutgoingEmail {
  to: string;
  toName?: string | null;
  subject: string;
  text: string;
  html: string;
  /** Stable per outbox row, so a receiving server can recognise a retry. */
  messageId: string;
}

export interface MailTransport {
  /** e.g. "smtp://smtp.126.com:465" or "eml:data/mail/lixia" (for logs and the outbox page). */
  describe: string;
  send(msg: OutgoingEmail): Promise<void>;
  close?(): Promise<void>;
  /** Nothing can be sent (no SMTP on Workers): mail waits in the outbox, spending none of its attempts. */
  unconfigured?: true;
}

export interface SmtpSettings {
  host: string;
  port: number;
  /** Implicit TLS (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  user?: string;
  pass?: string;
  from: string;
  fromName: string;
}

const SmtpVars = v.object({
  host: v.pipe(v.string(), v.minLength(1)),
  port: v.pipe(v.string(), v.regex(/^\d{1,5}$/), v.transform(Number)),
  secure: v.optional(v.picklist(['true', 'false', '1', '0'])),
  user: v.optional(v.string()),
  pass: v.optional(v.string()),
  from: v.optional(v.pipe(v.string(), v.email())),
  fromName: v.optional(v.string()),
});

/**
 * SMTP settings for a tenant: `SMTP_HOST_<ID>`, `SMTP_PORT_<ID>`… if set, else
 * the deployment's `SMTP_HOST`, `SMTP_PORT`, `SMTP_SECURE`, `SMTP_USER`,
 * `SMTP_PASS`, `SMTP_FROM`, `SMTP_FROM_NAME`. Undefined when no host is set.
 */
export function smtpSettings(tenantId: string, vars: Record<string, unknown>): SmtpSettings | undefined {
  const suffix = `_${tenantId.toUpperCase().replace(/-/g, '_')}`;
  const scoped = typeof vars[`SMTP_HOST${suffix}`] === 'string' && vars[`SMTP_HOST${suffix}`] !== '';
  const get = (name: string) => {
    const value = vars[`SMTP_${name}${scoped ? suffix : ''}`];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const host = get('HOST');
  if (!host) return undefined;
  const parsed = v.safeParse(SmtpVars, { host, port: get('PORT') ?? '465', secure: get('SECURE'), user: get('USER'), pass: get('PASS'), from: get('FROM'), fromName: get('FROM_NAME') });
  if (!parsed.success) throw new Error(`SMTP 配置无效（${tenantId}）: ${parsed.issues.map((i) => `${v.getDotPath(i)} ${i.message}`).join('; ')}`);
  const o = parsed.output;
  return {
    host: o.host,
    port: o.port,
    secure: o.secure ? o.secure === 'true' || o.secure === '1' : o.port === 465,
    user: o.user,
    pass: o.pass,
    from: o.from ?? o.user ?? `noreply@${o.host}`,
    fromName: o.fromName ?? '下基层工作台账',
  };
}

/**
 * No SMTP configured (Workers have no file to write .eml to): deliveries are not attempted and the
 * mail waits in the outbox, its attempts untouched, until SMTP is configured; the outbox says so.
 */
export const unconfiguredTransport = (tenantId: string): MailTransport => ({
  describe: 'unconfigured',
  unconfigured: true,
  send: async () => {
    throw new Error(`SMTP 未配置（${tenantId}）：请设置 SMTP_HOST 等`);
  },
});
