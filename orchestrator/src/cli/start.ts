#!/usr/bin/env node
/** `npm start`: run the whole stack in the foreground until Ctrl-C / SIGTERM. */
import { apiBindAddress, defaultDataDir } from '../config/settings';
import { startStack } from '../supervisor/stack';

async function main(): Promise<void> {
  const began = Date.now();
  const stack = await startStack({ dataDir: defaultDataDir() });
  const { settings, paths } = stack;
  const p = settings.ports;
  const h = settings.bindAddress;
  // One write, so a reader that sees the "ready" line sees the endpoints with it.
  const banner = [
    `mail server ${settings.hostname} ready in ${Date.now() - began} ms (data: ${paths.root})`,
    `  SMTP (MX)            ${h}:${p.smtp}`,
    `  Submission STARTTLS  ${h}:${p.submission}`,
    `  Submissions TLS      ${h}:${p.submissions}`,
    `  IMAP STARTTLS        ${h}:${p.imap}`,
    `  IMAPS                ${h}:${p.imaps}`,
    `  POP3S                ${h}:${p.pop3s}`,
    `  ManageSieve          ${h}:${p.managesieve}`,
    `  LDAP bridge          ${h}:${p.ldap}`,
    `  spamd                127.0.0.1:${p.spamd}`,
    `  REST API             http://${apiBindAddress(settings)}:${p.api}/api/v1 (token: mailctl token show)`,
    `logs: ${paths.logs}   manage: npx mailctl --help   stop: Ctrl-C`,
  ];
  console.log(banner.join('\n'));

  for (const proc of stack.processes) {
    proc.on('crash', (info: { code: number | null; signal: string | null }) =>
      console.error(`${proc.spec.name} exited (code ${String(info.code)}, signal ${String(info.signal)}); restarting`),
    );
    proc.on('state', (state: string) => {
      if (state === 'failed') console.error(`${proc.spec.name} failed too often; see ${proc.spec.logFile}`);
    });
  }

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    stack.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`stop failed: ${String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`mail server failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
