/**
 * A real SMTP server on loopback (smtp-server), for the tests: it parses what
 * it receives (mailparser), so that tests read decoded Chinese subjects. It
 * can refuse mail, like a server that is down or full, and it can serve the
 * messages it received over HTTP for the worker suite.
 */
import { createServer as createHttp, type Server as HttpServer } from 'node:http';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  rawSubjectHeader: string;
}

export interface TestSmtp {
  port: number;
  messages: ReceivedMail[];
  /** While true, every message is refused with 451 (temporary failure). */
  refuse: boolean;
  /** HTTP URL listing received messages as JSON (started on demand). */
  serveHttp(): Promise<string>;
  close(): Promise<void>;
  vars: Record<string, string>;
}

/** `port`: a fixed port (the worker suite names it in the Worker's bindings before the server starts); default any free one. */
export async function startSmtp(opts: { port?: number } = {}): Promise<TestSmtp> {
  const messages: ReceivedMail[] = [];
  const state = { refuse: false };
  let http: HttpServer | undefined;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        if (state.refuse) return callback(Object.assign(new Error('Mailbox temporarily unavailable'), { responseCode: 451 }));
        const raw = Buffer.concat(chunks);
        const parsed = await simpleParser(raw);
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: parsed.subject ?? '',
          text: parsed.text ?? '',
          html: typeof parsed.html === 'string' ? parsed.html : '',
          messageId: parsed.messageId ?? '',
          rawSubjectHeader: /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(raw.toString('utf8'))?.[1] ?? '',
        });
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(opts.port ?? 0, '127.0.0.1', () => r()));
  const port = (server.server.address() as { port: number }).port;
  const api: TestSmtp = {
    port,
    messages,
    get refuse() {
      return state.refuse;
    },
    set refuse(v: boolean) {
      state.refuse = v;
    },
    vars: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(port), SMTP_SECURE: 'false', SMTP_FROM: 'noreply@grassroots.test', SMTP_FROM_NAME: '下基层工作台账' },
    async serveHttp() {
      http ??= createHttp((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(messages));
      });
      await new Promise<void>((r) => http!.listen(0, '127.0.0.1', () => r()));
      return `http://127.0.0.1:${(http.address() as { port: number }).port}/messages`;
    },
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      if (http) await new Promise<void>((r) => http!.close(() => r()));
    },
  };
  return api;
}
