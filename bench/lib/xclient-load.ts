/**
 * A load generator for the full-pipeline benchmark: like smtp-source (a new connection per
 * message, N sessions at once), but each connection first presents a client address with
 * XCLIENT (the stack runs with MAIL_TEST_XCLIENT=1, which lets only loopback do that). The
 * inbound checks skip loopback and private clients, so smtp-source from 127.0.0.1 would
 * measure a pipeline with SPF, DKIM/DMARC, rDNS and DNSBL all skipped; with a public
 * address presented they all run, against the loopback DNS server.
 */
import { SmtpClient } from '../../test/helpers/smtp';

export interface XclientLoadOptions {
  port: number;
  sessions: number;
  messages: number;
  /** The address presented with XCLIENT (ADDR=). */
  clientIp: string;
  helo: string;
  from: string;
  to: string;
  /** The whole message, CRLF line ends. */
  message: string;
}

export interface XclientLoadResult {
  /** Messages answered 250 after DATA. */
  completed: number;
  /** The first few unexpected replies or errors, `step code text`. */
  errors: string[];
}

async function sendOne(o: XclientLoadOptions): Promise<void> {
  const { client } = await SmtpClient.connect(o.port);
  try {
    await client.ehlo(o.helo);
    const presented = await client.cmd(`XCLIENT ADDR=${o.clientIp} NAME=[UNAVAILABLE]`);
    if (presented.code !== 220) throw new Error(`XCLIENT ${presented.code} ${presented.text}`);
    const ehlo = await client.ehlo(o.helo);
    if (ehlo.code !== 250) throw new Error(`EHLO ${ehlo.code} ${ehlo.text}`);
    const sent = await client.send(o.from, [o.to], o.message);
    if (sent.data?.code !== 250) {
      const failed = sent.data ?? sent.rcpt.find((r) => r.code !== 250) ?? sent.mail;
      throw new Error(`${failed.code} ${failed.text}`);
    }
  } finally {
    await client.quit().catch(() => undefined);
  }
}

export async function runXclientLoad(o: XclientLoadOptions): Promise<XclientLoadResult> {
  let next = 0;
  let completed = 0;
  const errors: string[] = [];
  const session = async (): Promise<void> => {
    while (next < o.messages && errors.length < 5) {
      next++;
      try {
        await sendOne(o);
        completed++;
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: o.sessions }, session));
  return { completed, errors };
}
