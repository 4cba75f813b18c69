import { IniReader } from '@mail/haraka-common';
import { parseRejectThreshold, parseSpamConfig } from './config';

const ini = (score: string): IniReader =>
  new IniReader('mail-spam.ini', { spamd: { host: '127.0.0.1', port: 2783, timeout: 20, max_size: 1048576 }, score: { reject_threshold: score } });

describe('parseSpamConfig', () => {
  it('reads every key', () => {
    expect(parseSpamConfig(ini('off'))).toEqual({ spamd: { host: '127.0.0.1', port: 2783, timeoutMs: 20_000 }, maxSize: 1048576, rejectThreshold: null });
    expect(parseSpamConfig(ini('15')).rejectThreshold).toBe(15);
  });

  it('refuses a threshold that is neither a positive number nor off', () => {
    for (const bad of ['', '-3', '0', 'never', 'NaN']) expect(() => parseRejectThreshold(bad)).toThrow(/reject_threshold/);
    expect(parseRejectThreshold('OFF')).toBeNull();
    expect(parseRejectThreshold('12.5')).toBe(12.5);
  });
});
