/** A failing store or a broken client gets an LDAP error or a dropped connection, never a crashed bridge. */
import net from 'node:net';
import { Client, InvalidCredentialsError, OperationsError } from 'ldapts';
import { BASE_DN, bindDn, PASSWORDS, SERVICE_DN, startFixture, type BridgeFixture } from './testing';

let f: BridgeFixture;

beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f.close();
});

async function withClient<T>(use: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ url: f.url });
  try {
    return await use(c);
  } finally {
    await c.unbind().catch(() => undefined);
  }
}

// A BindRequest with SASL credentials ([3]), which ldapjs cannot parse: it drops the connection.
const SASL_BIND = Buffer.from([0x30, 0x0c, 0x02, 0x01, 0x01, 0x60, 0x07, 0x02, 0x01, 0x03, 0x04, 0x00, 0xa3, 0x00]);

it('survives messages it cannot parse and keeps serving', async () => {
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect(f.bridge.port, '127.0.0.1', () => socket.write(SASL_BIND));
    socket.on('error', reject);
    socket.on('close', () => resolve());
    socket.resume();
  });
  expect(f.logs).toContainEqual(expect.objectContaining({ event: 'error', operation: 'server' }));
  await withClient(async (c) => {
    await c.bind(SERVICE_DN, f.servicePassword);
    expect((await c.search(`ou=domains,${BASE_DN}`, { scope: 'one' })).searchEntries).toHaveLength(2);
  });
});

it('answers operationsError, not invalidCredentials or a crash, when the store fails', async () => {
  f.services.store.close();
  await withClient(async (c) => {
    await c.bind(SERVICE_DN, f.servicePassword);
    await expect(c.search(`ou=routes,${BASE_DN}`, { filter: '(mail=alice@example.com)' })).rejects.toBeInstanceOf(OperationsError);
    await expect(c.search(`ou=mailboxes,${BASE_DN}`, { scope: 'one' })).rejects.toBeInstanceOf(OperationsError);
  });
  const bind = withClient((c) => c.bind(bindDn('recvmail', 'alice@example.com'), PASSWORDS.alice));
  await expect(bind).rejects.toBeInstanceOf(OperationsError);
  await expect(bind).rejects.not.toBeInstanceOf(InvalidCredentialsError);
  const searchErrors = f.logs.filter((r) => r.event === 'error' && r.operation === 'search');
  expect(searchErrors).toHaveLength(2);
  expect(f.logs.at(-1)).toMatchObject({ event: 'bind', result: 'operationsError' });
});
