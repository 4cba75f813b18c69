#!/usr/bin/env node
/**
 * Inbound throughput with and without spamd, in one run of the real stack:
 *   node bench/spam-throughput.js [messages=300] [sessions=4]
 * Starts the stack in a temp dir on free ports, sends `messages` 2 KB messages over
 * `sessions` parallel SMTP sessions to the MX port (one transaction after another per
 * session), first with spamd scanning, then with spamd stopped (the plugin's connect
 * fails at once and the mail goes on "not scanned": the pipeline minus the scan).
 * Prints msgs/s for both and spamd's RSS (parent + children, from ps). Needs `npm run build`.
 */
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { startStack, MailServices, SqliteStore, dataPaths, DEFAULT_PORTS } = require('../orchestrator/dist');

const MESSAGES = Number(process.argv[2] ?? 300);
const SESSIONS = Number(process.argv[3] ?? 4);

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A minimal SMTP client: one command, one reply (RFC 5321 §4.2: last line has a space). */
function session(port) {
  const socket = net.connect({ host: '127.0.0.1', port });
  let buffer = '';
  const waiters = [];
  socket.on('data', (chunk) => {
    buffer += chunk.toString('latin1');
    let match;
    while ((match = /^(\d{3}) .*\r\n/m.exec(buffer))) {
      const end = match.index + match[0].length;
      const reply = buffer.slice(0, end);
      buffer = buffer.slice(end);
      waiters.shift()?.(reply);
    }
  });
  const reply = () => new Promise((resolve) => waiters.push(resolve));
  const cmd = (line) => {
    const r = reply();
    socket.write(`${line}\r\n`);
    return r;
  };
  return { socket, reply, cmd };
}

const BODY = `${'The quick brown fox jumps over the lazy dog. '.repeat(44)}\r\n`;

async function sendMany(port, count, label) {
  const s = session(port);
  await s.reply();
  await s.cmd('EHLO bench.example');
  for (let i = 0; i < count; i++) {
    await s.cmd('MAIL FROM:<bench@remote.example>');
    await s.cmd('RCPT TO:<alice@acme.test>');
    await s.cmd('DATA');
    const r = await s.cmd(`From: bench@remote.example\r\nTo: alice@acme.test\r\nSubject: ${label} ${i}\r\nDate: ${new Date().toUTCString()}\r\nMessage-ID: <${label}.${i}.${Date.now()}@bench.example>\r\n\r\n${BODY}.`);
    if (!r.startsWith('250')) throw new Error(`message refused: ${r.trim()}`);
  }
  await s.cmd('QUIT');
  s.socket.destroy();
}

async function measure(port, label) {
  const per = Math.ceil(MESSAGES / SESSIONS);
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: SESSIONS }, (_, i) => sendMany(port, per, `${label}-${i}`)));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return (per * SESSIONS) / seconds;
}

function rssKb(pid) {
  const out = execFileSync('ps', ['-o', 'pid=,ppid=,rss=', '-e'], { encoding: 'utf8' });
  const rows = out.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  return rows.filter(([p, pp]) => p === pid || pp === pid).reduce((sum, [, , rss]) => sum + rss, 0);
}

/** spamd logs `scantime=S` and the Message-ID of each message: the mean over one run's label. */
function meanScanTime(logFile, label) {
  const times = fs
    .readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((l) => l.includes(`mid=<${label}-`))
    .map((l) => Number(/scantime=([\d.]+)/.exec(l)?.[1]))
    .filter((n) => Number.isFinite(n));
  return times.length === 0 ? 'n/a' : (times.reduce((a, b) => a + b, 0) / times.length).toFixed(3);
}

(async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-spam-'));
  fs.chmodSync(dataDir, 0o755);
  const ports = {};
  for (const name of Object.keys(DEFAULT_PORTS)) ports[name] = await freePort();
  fs.writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify({ hostname: 'mail.test', ports }));
  const stack = await startStack({ dataDir, env: { ...process.env, MAIL_SPAM_DNS: 'off' } });
  try {
    const store = new SqliteStore(dataPaths(dataDir).store);
    const services = new MailServices(store, dataPaths(dataDir));
    await services.addDomain('acme.test');
    await services.addUser('alice', 'alice-bench-secret');
    await services.addMailbox({ address: 'alice@acme.test', owner: 'alice' });
    store.close();
    await measure(ports.smtp, 'warmup');
    const spamd = stack.process('spamd');
    const rss = rssKb(spamd.pid);
    const withSpamd = await measure(ports.smtp, 'scanned');
    await spamd.stop();
    const withoutSpamd = await measure(ports.smtp, 'unscanned');
    console.log(`${MESSAGES} messages of ~2 KB, ${SESSIONS} sessions, ${os.cpus().length} cores`);
    console.log(`with spamd:    ${withSpamd.toFixed(1)} msgs/s`);
    console.log(`without spamd: ${withoutSpamd.toFixed(1)} msgs/s (spamd stopped: "not scanned")`);
    console.log(`spamd RSS (parent + children, idle after warm-up): ${(rss / 1024).toFixed(0)} MB`);
    console.log(`spamd scan time (its own log, mean of the measured run): ${meanScanTime(path.join(dataDir, 'logs', 'spamd.log'), 'scanned')} s`);
    console.log(`load average (1 min) at the end: ${os.loadavg()[0].toFixed(2)} (other work on the machine skews msgs/s)`);
  } finally {
    await stack.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
