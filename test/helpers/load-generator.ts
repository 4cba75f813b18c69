/**
 * A bounded SMTP load generator that behaves like a sending MTA: N concurrent sessions,
 * each message with a unique token (Message-ID and an X-Load-Token header), retried on
 * a 4xx at any step or a lost connection until it gets 250 after DATA (RFC 5321
 * §4.5.4.1: the sender keeps the message and tries again later). A message counts as
 * acknowledged only on that 250. A connection lost after the final "." was sent but
 * before its reply is the ambiguous case of RFC 1047: the server may have kept the
 * message, the sender cannot know, and its retry may make a duplicate.
 * Bounded by message count; stop() ends it. No timing is asserted, only counts.
 */
import { SmtpClient, type Reply } from './smtp';

export type Stage = 'connect' | 'greeting' | 'ehlo' | 'mail' | 'rcpt' | 'data' | 'end-of-data';

export interface Attempt {
  stage: Stage;
  /** The reply code that ended the attempt; absent when the connection was lost. */
  code?: number;
  error?: string;
}

export interface LoadMessage {
  token: string;
  recipients: string[];
  attempts: Attempt[];
  outcome: 'acknowledged' | 'refused' | 'gave-up' | 'pending';
}

export interface LoadOptions {
  port: number;
  sessions: number;
  /** Hard cap on messages started. */
  maxMessages: number;
  from: string;
  /** Recipients of message number n (0-based). */
  recipients: (n: number) => string[];
  /** Attempts per message before the generator gives up on it (counted as a failure). */
  maxAttempts?: number;
  /** Pause before a retry: doubles from this, capped at 2 s. */
  retryDelayMs?: number;
}

export class LoadGenerator {
  readonly messages: LoadMessage[] = [];
  private stopping = false;
  private running: Promise<void>[] = [];
  private waiters: { count: number; wake: () => void }[] = [];
  private acknowledgedCount = 0;
  private stageWaiters: { stage: Stage; wake: () => void }[] = [];
  /** Sessions still running. */
  private active = 0;

  /** Prefix of every token of this run (earlier runs may have left mail in the same mailboxes). */
  readonly runId = `load${Math.random().toString(36).slice(2, 8)}`;

  constructor(private readonly options: LoadOptions) {}

  start(): this {
    this.running = Array.from({ length: this.options.sessions }, () => this.session());
    return this;
  }

  get acknowledged(): number {
    return this.acknowledgedCount;
  }

  /** Resolves once `count` messages in total got their 250 (or the generator ran out). */
  async waitForAcknowledged(count: number): Promise<void> {
    if (this.acknowledgedCount >= count) return;
    await new Promise<void>((wake) => this.waiters.push({ count, wake }));
    if (this.acknowledgedCount < count) throw new Error(`load ended after ${this.acknowledgedCount} of ${count} acknowledgements`);
  }

  /** Resolves when some session next reaches `stage` (a kill can then hit that window). */
  whenStage(stage: Stage): Promise<void> {
    return new Promise((wake) => this.stageWaiters.push({ stage, wake }));
  }

  private enter(attempt: Attempt, stage: Stage): void {
    attempt.stage = stage;
    const ready = this.stageWaiters.filter((w) => w.stage === stage);
    this.stageWaiters = this.stageWaiters.filter((w) => w.stage !== stage);
    ready.forEach((w) => w.wake());
  }

  /** Starts no new message; lets every started one finish its retries. */
  async stop(): Promise<LoadMessage[]> {
    this.stopping = true;
    await Promise.all(this.running);
    this.wakeAll();
    this.stageWaiters.forEach((w) => w.wake());
    return this.messages;
  }

  private async session(): Promise<void> {
    let client: SmtpClient | undefined;
    this.active++;
    try {
      for (;;) {
        const message = this.nextMessage();
        if (!message) break;
        client = await this.deliver(message, client);
      }
    } finally {
      await client?.quit();
      // The last session out wakes anyone still waiting for acknowledgements that will not come.
      if (--this.active === 0) this.wakeAll();
    }
  }

  private nextMessage(): LoadMessage | undefined {
    if (this.stopping || this.messages.length >= this.options.maxMessages) return undefined;
    const n = this.messages.length;
    const token = `${this.runId}-${n}`;
    const message: LoadMessage = { token, recipients: this.options.recipients(n), attempts: [], outcome: 'pending' };
    this.messages.push(message);
    return message;
  }

  /** Tries until acknowledged, refused (5xx) or out of attempts; returns a session to reuse. */
  private async deliver(message: LoadMessage, reuse: SmtpClient | undefined): Promise<SmtpClient | undefined> {
    const maxAttempts = this.options.maxAttempts ?? 60;
    let client = reuse;
    for (let n = 0; n < maxAttempts; n++) {
      if (n > 0) await pause(Math.min((this.options.retryDelayMs ?? 50) * 2 ** (n - 1), 2000));
      const attempt: Attempt = { stage: 'connect' };
      message.attempts.push(attempt);
      try {
        client ??= await this.open(attempt);
        const code = await this.transaction(client, message, attempt);
        attempt.code = code;
        if (code === 250) return this.settle(message, 'acknowledged', client);
        if (code >= 500) return this.settle(message, 'refused', client);
      } catch (err) {
        attempt.error = (err as Error).message;
      }
      // A 4xx or a lost connection: like an MTA, drop the session and try later.
      await client?.quit();
      client = undefined;
    }
    this.settle(message, 'gave-up', undefined);
    return undefined;
  }

  private async open(attempt: Attempt): Promise<SmtpClient> {
    const { client, greeting } = await SmtpClient.connect(this.options.port);
    this.enter(attempt, 'greeting');
    if (greeting.code !== 220) throw new Error(`greeting ${greeting.code}`);
    this.enter(attempt, 'ehlo');
    const ehlo = await client.ehlo('load.test');
    if (ehlo.code !== 250) throw new Error(`EHLO ${ehlo.code}`);
    return client;
  }

  /** One transaction; the code of the first non-success reply, or 250 after DATA. */
  private async transaction(client: SmtpClient, message: LoadMessage, attempt: Attempt): Promise<number> {
    this.enter(attempt, 'mail');
    const mail = await client.cmd(`MAIL FROM:<${this.options.from}>`);
    if (mail.code !== 250) return refusal(client, mail);
    this.enter(attempt, 'rcpt');
    for (const rcpt of message.recipients) {
      const reply = await client.cmd(`RCPT TO:<${rcpt}>`);
      // Any recipient refused: retry the whole message later (keeps the count simple).
      if (reply.code !== 250) return refusal(client, reply);
    }
    this.enter(attempt, 'data');
    const go = await client.cmd('DATA');
    if (go.code !== 354) return refusal(client, go);
    client.conn.write(renderMessage(this.options.from, message));
    // From here a lost connection is ambiguous: the server may have the message.
    this.enter(attempt, 'end-of-data');
    return (await client.reply()).code;
  }

  private settle(message: LoadMessage, outcome: LoadMessage['outcome'], client: SmtpClient | undefined): SmtpClient | undefined {
    message.outcome = outcome;
    if (outcome === 'acknowledged') this.acknowledgedCount++;
    this.waiters = this.waiters.filter((w) => {
      if (this.acknowledgedCount < w.count) return true;
      w.wake();
      return false;
    });
    return client;
  }

  private wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w.wake());
  }
}

async function refusal(client: SmtpClient, reply: Reply): Promise<number> {
  await client.cmd('RSET').catch(() => undefined);
  return reply.code;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The wire form (dot-stuffed, CRLF, ending "."); the last body line proves the copy is whole. */
export function renderMessage(from: string, message: LoadMessage): string {
  const lines = [
    `From: <${from}>`,
    `To: ${message.recipients.map((r) => `<${r}>`).join(', ')}`,
    `Subject: ${message.token}`,
    `Message-ID: <${message.token}@load.test>`,
    `X-Load-Token: ${message.token}`,
    `Date: ${new Date().toUTCString()}`,
    '',
    ...Array.from({ length: 20 }, (_, i) => `line ${i} of ${message.token}: the quick brown fox jumps over the lazy dog`),
    `.leading dot line of ${message.token}`,
    endMarker(message.token),
  ];
  return `${lines.map((l) => (l.startsWith('.') ? `.${l}` : l)).join('\r\n')}\r\n.\r\n`;
}

export const endMarker = (token: string): string => `END-OF-${token}`;
