/** Readiness probes: a service is ready when its port answers like that service. */
import dns from 'node:dns';
import net from 'node:net';

/** Resolves true when a TCP connection opens (and, if `greeting` is set, the first line matches). */
export function probeTcp(host: string, port: number, greeting?: RegExp, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let buffered = '';
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.on('error', () => finish(false));
    socket.on('connect', () => {
      if (!greeting) finish(true);
    });
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      if (buffered.includes('\n')) finish(greeting?.test(buffered) ?? true);
    });
  });
}

/** Polls `probe` until it answers true or `timeoutMs` passes. */
export async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, intervalMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Resolves true when the DNS server at host:port answers a query (unbound answers `localhost.` itself). */
export async function probeDns(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  const resolver = new dns.promises.Resolver({ timeout: timeoutMs, tries: 1 });
  resolver.setServers([`${host}:${port}`]);
  try {
    return (await resolver.resolve4('localhost')).length > 0;
  } catch {
    return false;
  }
}
