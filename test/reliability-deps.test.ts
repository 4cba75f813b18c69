/**
 * Dependencies down (issue 6, Reliability). With Dovecot stopped, or the LDAP bridge
 * stopped, SMTP answers 4xx (RFC 5321 §4.2.5: "try again later") at RCPT or at the end
 * of DATA — never 5xx, never a bounce — and the sender's retry is delivered once the
 * dependency is back. Outbound: with the remote MX down, submitted mail waits in the
 * queue (no DSN), survives Haraka being killed with SIGKILL meanwhile, and is delivered
 * once on `mailctl queue flush` when the MX is back.
 */
import { runMailctl } from '../orchestrator/src/cli/testing';
import { queueEntries } from './helpers/crash-drill';
import { PASSWORDS, subjects } from './helpers/fixtures';
import type { RemoteMx } from './helpers/remote-mx';
import { SmtpClient, testMessage, type Reply } from './helpers/smtp';
import type { TestStack } from './helpers/stack';
import { startWorld, type World } from './helpers/world';
import { waitFor } from './helpers/wait';

let world: World;
let mx: RemoteMx;
let t: TestStack;

beforeAll(async () => {
  world = await startWorld();
  ({ mx, t } = world);
}, 120_000);
afterAll(async () => {
  await world?.stop();
});

/** One inbound transaction on port 25; every reply, so the test sees where a 4xx came. */
async function sendInbound(to: string, subject: string): Promise<{ rcpt: Reply[]; data?: Reply }> {
  const { client } = await SmtpClient.connect(t.ports.smtp);
  await client.ehlo();
  const sent = await client.send('sender@remote.test', [to], testMessage({ from: 'sender@remote.test', to, subject }));
  await client.quit();
  return sent;
}

/** The code that ended the transaction: the first refusal, else the reply to DATA's end. */
const finalCode = (sent: { rcpt: Reply[]; data?: Reply }): number =>
  sent.rcpt.find((r) => r.code !== 250)?.code ?? sent.data?.code ?? 0;

/** RFC 5321 §4.2.1: 4yz, "transient negative completion". */
function expectTempfail(reply: Reply | undefined): void {
  expect(String(reply?.code)).toMatch(/^4\d\d$/);
}

const copies = async (subject: string): Promise<number> =>
  (await subjects(t.ports.imaps, 'alice@acme.test', PASSWORDS.alice)).filter((s) => s === subject).length;

describe('a local dependency down', () => {
  afterEach(() => {
    // Nothing was bounced: a DSN would sit in Haraka's queue on its way to sender@remote.test.
    expect(queueEntries(t)).toEqual([]);
  });

  it('answers 4xx at the end of DATA while Dovecot is stopped, and delivers the retry once it is back', async () => {
    const dovecot = t.stack.process('dovecot');
    await dovecot.stop();
    const refused = await sendInbound('alice@acme.test', 'while-dovecot-down');
    expect(refused.rcpt[0]?.code).toBe(250);
    expectTempfail(refused.data);
    expect(refused.data?.text).toMatch(/^4\.3\.0 /);

    await dovecot.start();
    expect(finalCode(await sendInbound('alice@acme.test', 'while-dovecot-down'))).toBe(250);
    expect(await copies('while-dovecot-down')).toBe(1);
  }, 60_000);

  it('answers 4xx at RCPT while the LDAP bridge is stopped, and delivers the retry once it is back', async () => {
    const bridge = t.stack.process('ldap-bridge');
    await bridge.stop();
    const refused = await sendInbound('alice@acme.test', 'while-bridge-down');
    expectTempfail(refused.rcpt[0]);
    expect(refused.rcpt[0]?.text).toMatch(/^4\.4\.3 /);
    expect(refused.data).toBeUndefined();

    await bridge.start();
    expect(finalCode(await sendInbound('alice@acme.test', 'while-bridge-down'))).toBe(250);
    expect(await copies('while-bridge-down')).toBe(1);
  }, 60_000);

  it('answers 4xx at the end of DATA when the bridge goes away after RCPT (Dovecot cannot look the user up)', async () => {
    const bridge = t.stack.process('ldap-bridge');
    const { client } = await SmtpClient.connect(t.ports.smtp);
    await client.ehlo();
    expect((await client.cmd('MAIL FROM:<sender@remote.test>')).code).toBe(250);
    expect((await client.cmd('RCPT TO:<alice@acme.test>')).code).toBe(250);
    await bridge.stop();
    expect((await client.cmd('DATA')).code).toBe(354);
    client.conn.write(`${testMessage({ from: 'sender@remote.test', to: 'alice@acme.test', subject: 'bridge-gone-after-rcpt' })}.\r\n`);
    const end = await client.reply();
    await client.quit();
    expectTempfail(end);

    await bridge.start();
    expect(finalCode(await sendInbound('alice@acme.test', 'bridge-gone-after-rcpt'))).toBe(250);
    expect(await copies('bridge-gone-after-rcpt')).toBe(1);
  }, 60_000);
});

describe('the remote MX down', () => {
  type Listed = { messages: { id: string; recipients: string[]; attempts: number }[] };
  const queued = async (): Promise<Listed['messages']> => {
    const result = await runMailctl(['--data-dir', t.dataDir, 'queue', 'list', '--json'], { env: { MAIL_HOSTNAME: 'mail.test' } });
    if (result.code !== 0) throw new Error(result.stderr);
    return (JSON.parse(result.stdout) as Listed).messages;
  };

  it('defers outbound mail, keeps it through a SIGKILL of Haraka, and delivers it once on flush', async () => {
    await mx.stop();
    const { client } = await SmtpClient.connect(t.ports.submission);
    await client.ehlo();
    await client.starttls();
    await client.ehlo();
    expect((await client.authPlain('alice@acme.test', PASSWORDS.alice)).code).toBe(235);
    const subject = 'deferred-through-a-crash';
    const sent = await client.send('alice@acme.test', ['later@remote.test'], testMessage({ from: 'alice@acme.test', to: 'later@remote.test', subject }));
    await client.quit();
    expect(sent.data?.code).toBe(250);
    const [deferred] = await waitFor('the deferred message', async () => {
      const list = await queued();
      return list.length === 1 && (list[0]?.attempts ?? 0) >= 1 ? list : undefined;
    });

    const haraka = t.stack.process('haraka');
    const oldPid = haraka.pid ?? 0;
    process.kill(oldPid, 'SIGKILL');
    await waitFor('Haraka restarted', () => (haraka.state === 'running' && haraka.pid !== oldPid ? true : undefined), 90_000);
    expect((await queued()).map((m) => m.id)).toEqual([deferred?.id]);

    await mx.listen();
    const flush = await runMailctl(['--data-dir', t.dataDir, 'queue', 'flush'], { env: { MAIL_HOSTNAME: 'mail.test' } });
    expect(flush.stdout).toMatch(/^retrying 1 deferred message/);
    await waitFor('an empty queue', async () => ((await queued()).length === 0 ? true : undefined));
    expect(mx.messages.filter((m) => m.raw.toString('utf8').includes(`Subject: ${subject}\r\n`))).toHaveLength(1);
    // Deferred is not failed: no DSN reached the sender.
    expect((await subjects(t.ports.imaps, 'alice@acme.test', PASSWORDS.alice)).filter((s) => s.startsWith('Undelivered'))).toEqual([]);
  }, 180_000);
});
