/**
 * The whole stack under one supervisor: LDAP bridge → Dovecot → Haraka, each started
 * only when the one it depends on answers. Used by `npm start` and by the tests.
 */
import fs from 'node:fs';
import path from 'node:path';
import { resolveMailUser } from '../config/mail-user';
import { dataPaths, type DataPaths } from '../config/paths';
import { apiBindAddress, loadSettings, PROJECT_ROOT, type Settings } from '../config/settings';
import { dovecotConfigFile, dovecotLmtpSocket, installDovecotConfig } from '../render/dovecot';
import { harakaConfigDir, installHarakaConfig } from '../render/haraka';
import { prepareDkim } from '../dkim/prepare';
import { storedDnsblZones } from '../render/dnsbl';
import { harakaEnv } from './haraka-env';
import { writeFileAtomic } from '../render/files';
import type { RunState } from '../cli/state';
import { initDataDir } from './init';
import { checkMailUserCanRun, sieveSendmailCommand, writeSieveSendmailConfig } from '../sieve/sendmail-config';
import { probeDns, probeTcp } from './probes';
import { installUnboundConfig } from '../render/unbound';
import { spamdSpec } from '../spam/spamd';
import { createTrainer, installSpamConfig } from '../spam/stack-spam';
import { startApiInStack, withStoredSettings } from './api';
import { SupervisedProcess, type ProcessSpec } from './supervised-process';

export interface StackOptions {
  dataDir: string;
  /** Environment for settings and children (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

export class Stack {
  readonly processes: SupervisedProcess[] = [];
  /** Run by stop() first: in-process services and workers (the REST API, the spam trainer). */
  readonly closers: (() => Promise<void>)[] = [];
  private readonly startedAt = new Date().toISOString();

  constructor(
    readonly settings: Settings,
    readonly paths: DataPaths,
  ) {}

  process(name: string): SupervisedProcess {
    const found = this.processes.find((p) => p.spec.name === name);
    if (!found) throw new Error(`no process ${name}`);
    return found;
  }

  async add(spec: ProcessSpec): Promise<void> {
    const rotation = this.settings.logRotation;
    const proc = new SupervisedProcess({ ...(rotation ? { logRotation: { maxBytes: rotation.maxMegabytes * 1024 * 1024, keep: rotation.keep } } : {}), ...spec });
    this.processes.push(proc);
    proc.on('state', () => this.writeState());
    await proc.start();
  }

  /** Stops in reverse order: stop taking mail before the things it needs go away. */
  async stop(): Promise<void> {
    for (const close of this.closers.splice(0).reverse()) await close();
    for (const proc of [...this.processes].reverse()) await proc.stop();
    fs.rmSync(this.paths.stateFile, { force: true });
  }

  writeState(): void {
    const services = Object.fromEntries(
      this.processes.map((p) => [p.spec.name, { pid: p.pid, state: p.state, restarts: p.restarts }]),
    );
    const state: RunState = {
      pid: process.pid,
      startedAt: this.startedAt,
      hostname: this.settings.hostname,
      dataDir: this.paths.root,
      bindAddress: this.settings.bindAddress,
      ports: this.settings.ports,
      services,
    };
    try {
      writeFileAtomic(this.paths.stateFile, `${JSON.stringify(state, null, 2)}\n`);
    } catch (err) {
      // state.json only informs `mailctl status`: a full disk must not take the
      // supervisor down with it (this runs from process events).
      process.stderr.write(`cannot write ${this.paths.stateFile}: ${(err as Error).message}\n`);
    }
  }
}

/** Refuses to start a second stack on the same data dir, or on ports someone else holds. */
async function checkNothingRunning(settings: Settings, paths: DataPaths): Promise<void> {
  try {
    const previous = JSON.parse(fs.readFileSync(paths.stateFile, 'utf8')) as { pid?: number };
    if (previous.pid && previous.pid !== process.pid && isAlive(previous.pid)) {
      throw new Error(`the mail server is already running on ${paths.root} (pid ${previous.pid})`);
    }
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('the mail server')) throw err;
  }
  for (const [name, port] of Object.entries(settings.ports)) {
    const host = name === 'ldap' || name === 'spamd' || name === 'authPolicy' ? '127.0.0.1' : name === 'api' ? apiBindAddress(settings) : settings.bindAddress;
    if (await probeTcp(host, port)) throw new Error(`port ${port} (${name}) is already in use on ${host}`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const env = options.env ?? process.env;
  const fileSettings = loadSettings(path.resolve(options.dataDir), env);
  const paths = dataPaths(fileSettings.dataDir);
  await checkNothingRunning(fileSettings, paths);
  const mailUser = resolveMailUser();
  const { servicePassword, srsSecret, internalSubmitPassword } = initDataDir(paths, fileSettings.hostname, mailUser);
  const ldapPort = fileSettings.ports.ldap;
  writeSieveSendmailConfig(paths, fileSettings, mailUser, internalSubmitPassword);
  const sieveProblem = checkMailUserCanRun(mailUser);
  if (sieveProblem) console.error(`warning: ${sieveProblem}`);
  installDovecotConfig({ settings: fileSettings, paths, mailUser, ldapServicePassword: servicePassword, ldapPort, sieveSendmail: sieveSendmailCommand(paths) });
  const renderHaraka = async (settings: Settings): Promise<void> =>
    installHarakaConfig({ settings, paths, ldapServicePassword: servicePassword, lmtpSocket: dovecotLmtpSocket(paths), srsSecret,
      internalSubmitPassword,
      outboundLocalMxOk: env['MAIL_OUTBOUND_LOCAL_MX_OK'] === '1',
      dnsblZones: await storedDnsblZones(paths), xclient: env['MAIL_TEST_XCLIENT'] === '1' });
  // Settings changed at run time (the API) live in the store and override config.json.
  const settings = await withStoredSettings(paths, fileSettings);
  await renderHaraka(settings);
  await prepareDkim(paths, harakaConfigDir(paths));
  await installSpamConfig(settings, paths, mailUser, env, dovecotConfigFile(paths));

  const stack = new Stack(settings, paths);
  const host = settings.bindAddress;
  const childEnv = { ...env, MAIL_DATA_DIR: paths.root };
  const log = (name: string): string => path.join(paths.logs, `${name}.log`);
  try {
    // The bundled resolver first: Haraka's DNS goes there (settings.dnsServers).
    if (settings.unbound) {
      const conf = installUnboundConfig(settings, paths);
      const port = settings.unbound.port;
      await stack.add({
        name: 'unbound',
        command: 'unbound',
        args: ['-d', '-c', conf],
        env: childEnv,
        logFile: log('unbound'),
        ready: () => probeDns('127.0.0.1', port),
      });
    }
    await stack.add({
      name: 'ldap-bridge',
      command: process.execPath,
      args: [path.join(PROJECT_ROOT, 'ldap-bridge', 'dist', 'main.js')],
      env: childEnv,
      logFile: log('ldap-bridge'),
      ready: () => probeTcp('127.0.0.1', ldapPort),
    });
    await stack.add({
      name: 'dovecot',
      command: 'dovecot',
      args: ['-F', '-c', dovecotConfigFile(paths)],
      env: childEnv,
      logFile: log('dovecot'),
      ready: () => probeTcp(host, settings.ports.imap, /^\* OK/),
    });
    // Before Haraka, so the first message is scanned (spamd down later: mail goes on unscanned).
    if (settings.spamFilter !== false) await stack.add(spamdSpec(settings, paths, mailUser, env, log('spamd')));
    // The trainer runs sa-learn itself: users' Spam moves keep teaching Bayes with the filter off.
    const trainer = createTrainer(paths, mailUser);
    trainer.start();
    stack.closers.push(() => trainer.stop());
    await stack.add({
      name: 'haraka',
      command: process.execPath,
      args: [path.join(PROJECT_ROOT, 'node_modules', 'Haraka', 'bin', 'haraka'), '-c', paths.harakaDir],
      env: harakaEnv(childEnv, settings),
      cwd: paths.harakaDir,
      logFile: log('haraka'),
      ready: () => probeTcp(host, settings.ports.smtp, /^220/),
      startTimeoutMs: 30_000,
      stopSignal: 'SIGINT',
    });
    await startApiInStack(stack, fileSettings, renderHaraka);
  } catch (err) {
    await stack.stop();
    throw err;
  }
  stack.writeState();
  return stack;
}
