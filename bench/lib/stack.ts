/**
 * The stack under test for the benchmarks: the real orchestrator, Haraka, Dovecot and LDAP
 * bridge on free loopback ports in a temp dir (test/helpers/stack.ts), with the test
 * directory (test/helpers/fixtures.ts) and the paths the side-by-side setups need.
 */
import fs from 'node:fs';
import { dataPaths } from '@mail/orchestrator';
import { benchConfig } from './config';
import { dovecotLmtpSocket } from '../../orchestrator/src/render/dovecot';
import { populate } from '../../test/helpers/fixtures';
import { startTestStack, type TestStack } from '../../test/helpers/stack';

export interface BenchStack {
  t: TestStack;
  vmail: string;
  lmtpSocket: string;
  ldap: { url: string; baseDn: string; bindDn: string; password: string };
}

/** `config`: the benchmark's config.json keys; BENCH_CONFIG is merged over them. */
export async function startBenchStack(config: Record<string, unknown> = {}, env: Record<string, string> = {}): Promise<BenchStack> {
  const t = await startTestStack({ ...config, ...benchConfig() }, env);
  await populate(t.services);
  const paths = dataPaths(t.dataDir);
  const baseDn = 'dc=cloudron';
  return {
    t,
    vmail: paths.vmail,
    lmtpSocket: dovecotLmtpSocket(paths),
    ldap: {
      url: `ldap://127.0.0.1:${t.ports.ldap}`,
      baseDn,
      bindDn: `cn=mailserver,ou=system,${baseDn}`,
      password: fs.readFileSync(paths.ldapServiceSecret, 'utf8').trim(),
    },
  };
}

/** A fresh mailbox per run, so each run counts only its own stored files. */
export async function freshMailbox(stack: BenchStack, name: string): Promise<string> {
  const address = `${name}@acme.test`;
  await stack.t.services.addMailbox({ address, owner: 'alice' });
  return address;
}
