/**
 * haraka-plugin-dns-list 1.3.0 empties its active zones whenever dns-list.ini is
 * reread (zones changed) and refills them only at its next periodic check, and a
 * zone that timed out stays off until then: without help, a zone change would leave
 * the MX without DNSBL for up to 30 minutes. mail-authchecks asks for a fresh check
 * when configured zones exist but none is active: at once when the configured zones
 * differ from those of its last check (a reload), else at most once per interval (a
 * DNSBL that keeps timing out must not slow every connection down).
 */
export interface RecheckFacts {
  configuredZones: number;
  activeZones: number;
  /** ms timestamp of our last forced check, undefined if none yet. */
  lastRecheckAt: number | undefined;
  /** The configured zones differ from those of our last forced check. */
  zonesChanged: boolean;
  now: number;
  minIntervalMs: number;
}

export function shouldRecheckZones(f: RecheckFacts): boolean {
  if (f.configuredZones === 0 || f.activeZones > 0) return false;
  if (f.zonesChanged || f.lastRecheckAt === undefined) return true;
  return f.now - f.lastRecheckAt >= f.minIntervalMs;
}
