/**
 * `npm run bench` runs every benchmark; `npm run bench -- inbound auth` runs those named.
 * Each prints its table and writes bench/results/<name>.json. One failing benchmark does
 * not stop the others; the exit code says whether all succeeded. See bench/README.md.
 */
type Main = () => Promise<void>;

export const BENCHMARKS: Record<string, () => Promise<{ main: Main }>> = {
  fsync: () => import('./fsync'),
  inbound: () => import('./inbound'),
  pipeline: () => import('./pipeline'),
  memory: () => import('./memory'),
  auth: () => import('./auth'),
  latency: () => import('./latency'),
  outbound: () => import('./outbound'),
};

/** The benchmarks to run, in the registry's order; unknown names are an error. */
export function selectBenchmarks(args: readonly string[], known: readonly string[] = Object.keys(BENCHMARKS)): string[] {
  const unknown = args.filter((a) => !known.includes(a));
  if (unknown.length) throw new Error(`unknown benchmark(s): ${unknown.join(', ')} (known: ${known.join(', ')})`);
  return args.length ? known.filter((k) => args.includes(k)) : [...known];
}

async function run(): Promise<number> {
  let names: string[];
  try {
    names = selectBenchmarks(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  const failed: string[] = [];
  for (const name of names) {
    const started = Date.now();
    try {
      const load = BENCHMARKS[name];
      if (load) await (await load()).main();
      console.log(`(${name}: ${((Date.now() - started) / 1000).toFixed(0)} s)`);
    } catch (err) {
      failed.push(name);
      console.error(`bench ${name} failed:`, err);
    }
  }
  if (failed.length) console.error(`failed: ${failed.join(', ')}`);
  return failed.length ? 1 : 0;
}

if (require.main === module) {
  run().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
