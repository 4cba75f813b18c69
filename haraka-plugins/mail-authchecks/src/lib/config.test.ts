import fs from 'node:fs';
import path from 'node:path';
import { IniReader } from '@mail/haraka-common';
import { parseAuthChecksConfig } from './config';

/** The shipped defaults, as Haraka's ini parser reads them. */
function shipped(): Record<string, Record<string, unknown>> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ini = require('haraka-config/lib/readers/ini') as { load(file: string, options: object): Record<string, Record<string, unknown>> };
  return ini.load(path.join(__dirname, '..', '..', 'config', 'mail-authchecks.ini'), {});
}

describe('mail-authchecks.ini', () => {
  it('parses the shipped defaults', () => {
    expect(fs.existsSync(path.join(__dirname, '..', '..', 'config', 'mail-authchecks.ini'))).toBe(true);
    const config = parseAuthChecksConfig(new IniReader('mail-authchecks.ini', shipped()));
    expect(config).toMatchObject({ submissionPorts: [2587, 2465], dnsTimeoutMs: 5000, rdnsReject: false, antiSpoof: true, dmarc: true, dnsblRecheckSeconds: 60 });
  });

  it('names the key of a bad value', () => {
    const ini = shipped();
    ini['rdns'] = { reject: 'maybe' };
    expect(() => parseAuthChecksConfig(new IniReader('mail-authchecks.ini', ini))).toThrow(/\[rdns\] reject must be true or false/);
  });
});
