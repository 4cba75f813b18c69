import { shouldRecheckZones } from './dnsbl-recheck';

const base = { configuredZones: 2, activeZones: 0, lastRecheckAt: 1000, zonesChanged: false, now: 2000, minIntervalMs: 60_000 };

describe('dns-list zone re-check', () => {
  it('is not needed while a zone is active or none is configured', () => {
    expect(shouldRecheckZones({ ...base, activeZones: 1, zonesChanged: true })).toBe(false);
    expect(shouldRecheckZones({ ...base, configuredZones: 0, lastRecheckAt: undefined })).toBe(false);
  });

  it('runs at once after a zone change or the first time', () => {
    expect(shouldRecheckZones({ ...base, zonesChanged: true })).toBe(true);
    expect(shouldRecheckZones({ ...base, lastRecheckAt: undefined })).toBe(true);
  });

  it('otherwise waits for the interval (a list that keeps timing out)', () => {
    expect(shouldRecheckZones(base)).toBe(false);
    expect(shouldRecheckZones({ ...base, now: 61_000 })).toBe(true);
  });
});
