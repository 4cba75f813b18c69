/**
 * BENCH_CONFIG: extra config.json keys (JSON) for every stack a benchmark starts, over the
 * benchmark's own choices (e.g. `{"spamFilter":true}` to see `inbound` with spamd, or
 * `{"dnsTimeoutMs":1000}`) without touching the benchmark code. Invalid JSON is an error,
 * not silence.
 */
export function parseBenchConfig(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`BENCH_CONFIG is not JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('BENCH_CONFIG must be a JSON object');
  return parsed as Record<string, unknown>;
}

export function benchConfig(): Record<string, unknown> {
  return parseBenchConfig(process.env['BENCH_CONFIG']);
}
