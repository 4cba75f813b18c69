/**
 * Verifies a message's DKIM signature with an independent implementation: python3-dkim
 * (dkimpy), through its own `dkimverify` entry point, with dnspython's default
 * resolver pointed at the test DNS server (the key comes from the test zone, never the
 * machine's resolver).
 */
import { spawn } from 'node:child_process';

const PYTHON = '/usr/bin/python3';

const SCRIPT = `
import sys
import dns.resolver
resolver = dns.resolver.Resolver(configure=False)
resolver.nameservers = [sys.argv[1]]
resolver.port = int(sys.argv[2])
dns.resolver.default_resolver = resolver
from dkim.dkimverify import main
sys.argv = ['dkimverify']
main()
`;

export interface DkimVerdict {
  ok: boolean;
  output: string;
}

export function dkimVerify(message: Buffer, dns: { host: string; port: number }): Promise<DkimVerdict> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['-c', SCRIPT, dns.host, String(dns.port)]);
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ok: code === 0 && /signature ok/.test(output), output: output.trim() }));
    child.stdin.end(message);
  });
}
