#!/usr/bin/env node
/**
 * `sieve-sendmail`: Dovecot's `sendmail_path` for Sieve mail (redirect, vacation,
 * notifications). Dovecot runs it as the mail user with `-i -f <sender> -- <rcpt>…`
 * and the message on stdin; it submits the message to our own Haraka on the submission
 * port (STARTTLS + AUTH as the internal Sieve login, mail-common internal-submitter.ts),
 * so Sieve mail goes through the same routing, SRS, DKIM, relay and queue as everything
 * else. Exit codes are sendmail's (sysexits.h): Dovecot retries on EX_TEMPFAIL.
 */
import fs from 'node:fs';
import nodemailer from 'nodemailer';

export const EX_OK = 0;
export const EX_USAGE = 64;
export const EX_UNAVAILABLE = 69;
export const EX_TEMPFAIL = 75;
export const EX_CONFIG = 78;

/** Written by the orchestrator (sendmail-config.ts), readable by the mail user only. */
export interface SieveSendmailConfig {
  host: string;
  port: number;
  /** Our own name: the EHLO name. */
  hostname: string;
  user: string;
  password: string;
}

export interface Envelope {
  sender: string;
  recipients: string[];
}

/** `-i -f <sender> -- rcpt…` (other sendmail flags are refused, not guessed at). */
export function parseSendmailArgs(args: readonly string[]): Envelope {
  let sender: string | undefined;
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') {
      i++;
      break;
    }
    if (arg === '-i' || arg === '-oi') continue;
    if (arg === '-f') {
      sender = args[++i];
      continue;
    }
    if (arg.startsWith('-f') && arg.length > 2) {
      sender = arg.slice(2);
      continue;
    }
    if (arg.startsWith('-')) throw new Error(`unsupported option ${arg}`);
    break;
  }
  const recipients = args.slice(i);
  if (sender === undefined) throw new Error('no sender (-f) given');
  if (recipients.length === 0) throw new Error('no recipient given');
  // Dovecot writes the null reverse-path as "<>" (RFC 5321 §4.5.5).
  return { sender: sender === '<>' ? '' : sender.replace(/^<(.*)>$/, '$1'), recipients };
}

export function readConfig(file: string): SieveSendmailConfig {
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<SieveSendmailConfig>;
  const { host, port, hostname, user, password } = parsed;
  if (typeof host !== 'string' || typeof port !== 'number' || typeof hostname !== 'string' || typeof user !== 'string' || typeof password !== 'string') {
    throw new Error(`${file}: host, port, hostname, user and password are required`);
  }
  return { host, port, hostname, user, password };
}

/** Submits; resolves to a sysexits code and a one-line reason. */
export async function submit(config: SieveSendmailConfig, envelope: Envelope, message: Buffer): Promise<{ code: number; reason: string }> {
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    name: config.hostname,
    secure: false,
    requireTLS: true,
    auth: { user: config.user, pass: config.password },
    // Our own listener on this machine: the certificate may be self-signed or issued
    // for the public name, not for the loopback address we connect to.
    tls: { rejectUnauthorized: false },
    connectionTimeout: 30_000,
    socketTimeout: 120_000,
  });
  try {
    await transport.sendMail({ envelope: { from: envelope.sender, to: envelope.recipients }, raw: message });
    return { code: EX_OK, reason: 'sent' };
  } catch (err) {
    const { responseCode, message: text } = err as { responseCode?: number; message: string };
    const permanent = responseCode !== undefined && responseCode >= 500;
    return { code: permanent ? EX_UNAVAILABLE : EX_TEMPFAIL, reason: text.replace(/\s+/g, ' ') };
  } finally {
    transport.close();
  }
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function main(argv: string[]): Promise<number> {
  const [configFile, ...rest] = argv;
  let config: SieveSendmailConfig;
  let envelope: Envelope;
  try {
    config = readConfig(configFile ?? '');
  } catch (err) {
    console.error(`sieve-sendmail: ${(err as Error).message}`);
    return EX_CONFIG;
  }
  try {
    envelope = parseSendmailArgs(rest);
  } catch (err) {
    console.error(`sieve-sendmail: ${(err as Error).message}`);
    return EX_USAGE;
  }
  const result = await submit(config, envelope, await readStdin());
  if (result.code !== EX_OK) console.error(`sieve-sendmail: ${envelope.sender || '<>'} → ${envelope.recipients.join(',')}: ${result.reason}`);
  return result.code;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`sieve-sendmail: ${String(err)}`);
      process.exit(EX_TEMPFAIL);
    },
  );
}
