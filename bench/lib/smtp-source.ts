/**
 * Postfix's smtp-source as the load generator (the issue asks for it: a C client that costs
 * the machine far less than a Node one, and the tool Postfix is measured with).
 * `smtpSourceArgs` and `parseSmtpSourceOutput` are pure; `runSmtpSource` runs it.
 */
import { spawn } from 'node:child_process';

export interface SmtpSourceOptions {
  /** `host:port` or `unix:/path` (LMTP over a unix socket). */
  target: string;
  sessions: number;
  messages: number;
  /** Body length in bytes (smtp-source -l). */
  size: number;
  from: string;
  to: string;
  /** Speak LMTP instead of SMTP (-L). */
  lmtp?: boolean;
  /** Hostname in HELO/LHLO (-M). */
  helo?: string;
}

export function smtpSourceArgs(o: SmtpSourceOptions): string[] {
  if (!(o.sessions >= 1 && o.messages >= 1 && o.size >= 0)) throw new Error('smtp-source: sessions and messages must be ≥ 1');
  const args = ['-c', '-s', String(o.sessions), '-m', String(o.messages), '-l', String(o.size)];
  args.push('-f', o.from, '-t', o.to, '-M', o.helo ?? 'bench.test');
  if (o.lmtp) args.push('-L');
  args.push(o.target);
  return args;
}

export interface SmtpSourceResult {
  /** The last progress count printed with -c (messages completed). */
  completed: number;
  /** smtp-source's warning/fatal lines (e.g. a 4xx/5xx reply). */
  errors: string[];
}

/** -c prints "1\r2\r3\r…" on stdout; problems come as "smtp-source: fatal: …" on stderr. */
export function parseSmtpSourceOutput(stdout: string, stderr: string): SmtpSourceResult {
  const counts = stdout.split(/[\r\n]+/).map((s) => s.trim()).filter((s) => /^\d+$/.test(s));
  const last = counts.length ? Number(counts[counts.length - 1]) : 0;
  const errors = stderr.split('\n').map((s) => s.trim()).filter((s) => /^smtp-source: (fatal|warning|error)/.test(s));
  return { completed: last, errors };
}

export async function runSmtpSource(o: SmtpSourceOptions): Promise<SmtpSourceResult & { seconds: number; code: number | null }> {
  const started = process.hrtime.bigint();
  const child = spawn('smtp-source', smtpSourceArgs(o), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('latin1')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { ...parseSmtpSourceOutput(stdout, stderr), seconds, code };
}
