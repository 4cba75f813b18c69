/**
 * Crash safety (issue 6, Reliability): SMTP load on port 25 from an MTA-like client
 * (test/helpers/load-generator.ts) while Haraka, Dovecot, the LDAP bridge and spamd are each
 * killed with SIGKILL. The supervisor restarts each; afterwards every message that got
 * 250 is in each of its recipients' maildirs exactly once, every 4xx/lost message was
 * retried and delivered, and duplicates appear only where the client lost the
 * connection between its final "." and the reply (it never saw a 250 for that attempt).
 * The counts are printed; `npm run soak` runs the same drill for longer.
 */
import fs from 'node:fs';
import { dataPaths } from '@mail/orchestrator';
import type { RunState } from '../orchestrator/src/cli/state';
import { dovecotLmtpSocket } from '../orchestrator/src/render/dovecot';
import { CRASH_VICTIMS, LOAD_MAILBOXES, loadRecipients, runCrashDrill } from './helpers/crash-drill';
import { imapLogin, PASSWORDS, populate } from './helpers/fixtures';
import { LineClient } from './helpers/line-client';
import { summarize } from './helpers/load-report';
import { scanMaildir } from './helpers/maildir';
import { startTestStack, type TestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';

let t: TestStack;

beforeAll(async () => {
  t = await startTestStack();
  await populate(t.services);
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

it('loses no acknowledged message when each process is killed with SIGKILL under load', async () => {
  const { kills, report, scans } = await runCrashDrill(t, {
    victims: CRASH_VICTIMS,
    rounds: 1,
    sessions: 4,
    acknowledgedBetweenKills: 40,
    recipients: loadRecipients,
    mailboxes: LOAD_MAILBOXES,
  });
  console.log(`crash drill: ${kills.map((k) => `${k.name} ${k.oldPid}→${k.newPid}`).join(', ')}\n${summarize(report)}`);

  // (More than one restart would mean a restart failed and was retried: still correct.)
  for (const kill of kills) {
    expect(kill.restartsAfter).toBeGreaterThan(kill.restartsBefore);
    expect(kill.newPid).not.toBe(kill.oldPid);
  }
  // What `mailctl status` reads shows the restarts and the new pids.
  const state = JSON.parse(fs.readFileSync(dataPaths(t.dataDir).stateFile, 'utf8')) as RunState;
  for (const name of CRASH_VICTIMS) {
    const proc = t.stack.process(name);
    expect(state.services[name]).toEqual({ pid: proc.pid, state: 'running', restarts: proc.restarts });
  }
  expect(kills.map((k) => k.name)).toEqual([...CRASH_VICTIMS]);
  expect(report.gaveUp).toBe(0);
  expect(report.refusedPermanently).toBe(0);
  expect(report.acknowledged).toBe(report.messages);
  expect(report.missing).toEqual([]);
  expect(report.duplicatesUnexplained).toEqual([]);
  expect(report.misdelivered).toEqual([]);
  expect(report.truncated).toEqual([]);
  // The drill really hit the server mid-flight: some attempt failed and was retried.
  expect(report.retriedAfter4xx + report.retriedAfterLostConnection).toBeGreaterThan(0);

  // Dovecot's own view (indexes, IMAP) agrees with the files on disk.
  for (const mailbox of LOAD_MAILBOXES) {
    const user = mailbox.split('@')[0] as keyof typeof PASSWORDS;
    const imap = await imapLogin(t.ports.imaps, mailbox, PASSWORDS[user]);
    const status = await imap.status('INBOX', { messages: true });
    await imap.logout();
    expect(status.messages).toBe(scans.get(mailbox)?.files);
  }
}, 600_000);

/**
 * The window behind the drill's Dovecot kill, made certain: an LMTP session has sent
 * the whole message but not the final "." when the master dies. The LMTP process must
 * finish that DATA and answer 250 (dovecot.conf: `shutdown_clients = no` for lmtp);
 * dying instead could save the message without answering, and Haraka's retry would
 * then store it twice.
 */
it('lets an LMTP delivery in progress finish when the Dovecot master is killed', async () => {
  const dovecot = t.stack.process('dovecot');
  const lmtp = await LineClient.connect(0, { path: dovecotLmtpSocket(dataPaths(t.dataDir)) });
  const reply = async (): Promise<string> => (await lmtp.read((ls) => ls.some((l) => /^\d{3} /.test(l)))).pop() ?? '';
  const command = async (line: string): Promise<string> => {
    lmtp.write(`${line}\r\n`);
    return reply();
  };
  expect(await reply()).toMatch(/^220 /);
  expect(await command('LHLO test.local')).toMatch(/^250 /);
  expect(await command('MAIL FROM:<inflight@sender.test>')).toMatch(/^250 /);
  expect(await command('RCPT TO:<bob@acme.test>')).toMatch(/^250 /);
  expect(await command('DATA')).toMatch(/^354 /);
  lmtp.write('Subject: in-flight-at-master-crash\r\nX-Load-Token: in-flight-1\r\n\r\nbody\r\nEND-OF-in-flight-1\r\n');

  const oldPid = dovecot.pid ?? 0;
  process.kill(oldPid, 'SIGKILL');
  lmtp.write('.\r\n');
  expect(await reply()).toMatch(/^250 /);
  await lmtp.close();

  await waitFor('dovecot restarted', () => (dovecot.state === 'running' && dovecot.pid !== oldPid ? true : undefined), 90_000);
  expect(scanMaildir(dataPaths(t.dataDir).vmail, 'bob@acme.test').copies.get('in-flight-1')).toBe(1);
}, 120_000);
