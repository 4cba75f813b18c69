import { Client, InsufficientAccessError, InvalidCredentialsError } from 'ldapts';
import { BASE_DN, bindDn, PASSWORDS, SERVICE_DN, startFixture, type BridgeFixture } from './testing';

let f: BridgeFixture;
const clients: Client[] = [];

beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f.close();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.unbind().catch(() => undefined)));
});

function client(): Client {
  const c = new Client({ url: f.url });
  clients.push(c);
  return c;
}

/** Resolves 'ok' or the LDAP error's class name, on a fresh connection. */
async function tryBind(dn: string, password: string): Promise<string> {
  try {
    await client().bind(dn, password);
    return 'ok';
  } catch (err) {
    return (err as Error).constructor.name;
  }
}

describe('anonymous and non-service clients', () => {
  it('gives an anonymous client nothing', async () => {
    const c = client();
    await expect(c.search(`ou=mailboxes,${BASE_DN}`, { filter: '(objectclass=*)' })).rejects.toBeInstanceOf(InsufficientAccessError);
    await expect(c.search(`ou=routes,${BASE_DN}`, { filter: '(mail=alice@example.com)' })).rejects.toBeInstanceOf(
      InsufficientAccessError,
    );
  });

  it('gives nothing after an explicit anonymous bind', async () => {
    const c = client();
    await c.bind('', '');
    await expect(c.search(BASE_DN, { filter: '(objectclass=*)' })).rejects.toBeInstanceOf(InsufficientAccessError);
  });

  it('lets a mailbox bind but not search', async () => {
    const c = client();
    await c.bind(bindDn('recvmail', 'alice@example.com'), PASSWORDS.alice);
    await expect(c.search(`ou=mailboxes,${BASE_DN}`, { filter: '(mail=alice@example.com)' })).rejects.toBeInstanceOf(
      InsufficientAccessError,
    );
  });

  it('drops the service identity when a later bind on the same connection fails', async () => {
    const c = client();
    await c.bind(SERVICE_DN, f.servicePassword);
    await expect(c.bind(bindDn('recvmail', 'alice@example.com'), 'wrong-password')).rejects.toBeInstanceOf(InvalidCredentialsError);
    await expect(c.search(BASE_DN, { filter: '(objectclass=*)' })).rejects.toBeInstanceOf(InsufficientAccessError);
  });

  it('drops the service identity on an anonymous re-bind', async () => {
    const c = client();
    await c.bind(SERVICE_DN, f.servicePassword);
    await c.bind('', '');
    await expect(c.search(BASE_DN, { filter: '(objectclass=*)' })).rejects.toBeInstanceOf(InsufficientAccessError);
  });
});

describe('the service account', () => {
  it('binds with the secret, case-insensitively on the DN', async () => {
    expect(await tryBind(SERVICE_DN, f.servicePassword)).toBe('ok');
    expect(await tryBind(`CN=MailServer,OU=System,DC=Cloudron`, f.servicePassword)).toBe('ok');
  });

  it('refuses a wrong, empty or padded secret', async () => {
    expect(await tryBind(SERVICE_DN, 'not-the-secret')).toBe('InvalidCredentialsError');
    expect(await tryBind(SERVICE_DN, '')).toBe('InvalidCredentialsError');
    expect(await tryBind(SERVICE_DN, ` ${f.servicePassword}`)).toBe('InvalidCredentialsError');
    expect(await tryBind(`cn=other,ou=system,${BASE_DN}`, f.servicePassword)).toBe('InvalidCredentialsError');
  });
});

describe('mailbox binds on ou=recvmail and ou=sendmail', () => {
  it.each(['recvmail', 'sendmail'] as const)('accepts the owner on %s', async (ou) => {
    expect(await tryBind(bindDn(ou, 'alice@example.com'), PASSWORDS.alice)).toBe('ok');
  });

  it('accepts the address in any case', async () => {
    expect(await tryBind(bindDn('recvmail', 'Alice@Example.COM'), PASSWORDS.alice)).toBe('ok');
  });

  it('accepts every member of an owning group and no one else', async () => {
    expect(await tryBind(bindDn('recvmail', 'team@example.com'), PASSWORDS.alice)).toBe('ok');
    expect(await tryBind(bindDn('sendmail', 'team@example.com'), PASSWORDS.bob)).toBe('ok');
    expect(await tryBind(bindDn('recvmail', 'team@example.com'), PASSWORDS.carol)).toBe('InvalidCredentialsError');
  });

  it("accepts an app mailbox with the app's password only", async () => {
    expect(await tryBind(bindDn('sendmail', 'shop.app@example.com'), PASSWORDS.shopApp)).toBe('ok');
    expect(await tryBind(bindDn('sendmail', 'shop.app@example.com'), PASSWORDS.alice)).toBe('InvalidCredentialsError');
  });

  it('refuses aliases, wrong passwords, disabled and unknown mailboxes', async () => {
    expect(await tryBind(bindDn('recvmail', 'al@example.com'), PASSWORDS.alice)).toBe('InvalidCredentialsError');
    expect(await tryBind(bindDn('recvmail', 'alice@other.org'), PASSWORDS.alice)).toBe('InvalidCredentialsError');
    expect(await tryBind(bindDn('recvmail', 'alice@example.com'), PASSWORDS.bob)).toBe('InvalidCredentialsError');
    expect(await tryBind(bindDn('recvmail', 'alice@example.com'), '')).toBe('InvalidCredentialsError');
    expect(await tryBind(bindDn('recvmail', 'carol@example.com'), PASSWORDS.carol)).toBe('InvalidCredentialsError');
    expect(await tryBind(bindDn('recvmail', 'nobody@example.com'), PASSWORDS.alice)).toBe('InvalidCredentialsError');
  });

  it('refuses binds anywhere else in (or outside) the tree', async () => {
    expect(await tryBind(bindDn('mailboxes', 'alice@example.com'), PASSWORDS.alice)).toBe('InvalidCredentialsError');
    expect(await tryBind(`cn=alice@example.com,ou=recvmail,dc=elsewhere`, PASSWORDS.alice)).toBe('InvalidCredentialsError');
    expect(await tryBind(`cn=alice@example.com,ou=recvmail,ou=x,${BASE_DN}`, PASSWORDS.alice)).toBe('InvalidCredentialsError');
    expect(await tryBind(`uid=alice@example.com,ou=recvmail,${BASE_DN}`, PASSWORDS.alice)).toBe('InvalidCredentialsError');
  });

  it('follows changes at once: disabling and re-enabling a mailbox', async () => {
    await f.services.setMailboxActive('bob@other.org', false);
    expect(await tryBind(bindDn('recvmail', 'bob@other.org'), PASSWORDS.bob)).toBe('InvalidCredentialsError');
    await f.services.setMailboxActive('bob@other.org', true);
    expect(await tryBind(bindDn('recvmail', 'bob@other.org'), PASSWORDS.bob)).toBe('ok');
  });

  it('follows changes at once: group membership', async () => {
    await f.services.setGroupMembers('team', ['alice', 'bob', 'carol']);
    expect(await tryBind(bindDn('recvmail', 'team@example.com'), PASSWORDS.carol)).toBe('ok');
    await f.services.setGroupMembers('team', ['alice', 'bob']);
    expect(await tryBind(bindDn('recvmail', 'team@example.com'), PASSWORDS.carol)).toBe('InvalidCredentialsError');
  });
});

describe('user binds on ou=users', () => {
  it("accepts the user's password only", async () => {
    expect(await tryBind(bindDn('users', 'dave'), PASSWORDS.dave)).toBe('ok');
    expect(await tryBind(bindDn('users', 'dave'), PASSWORDS.alice)).toBe('InvalidCredentialsError');
    expect(await tryBind(bindDn('users', 'nobody'), PASSWORDS.alice)).toBe('InvalidCredentialsError');
  });
});

describe('bind logging', () => {
  it('logs one record per bind result and never a password', async () => {
    const before = f.logs.length;
    await tryBind(bindDn('recvmail', 'alice@example.com'), PASSWORDS.alice);
    await tryBind(bindDn('recvmail', 'alice@example.com'), 'wrong-password-xyz');
    await tryBind(SERVICE_DN, f.servicePassword);
    const records = f.logs.slice(before);
    expect(records.map((r) => (r.event === 'bind' ? [r.dn, r.result] : r.event))).toEqual([
      [bindDn('recvmail', 'alice@example.com'), 'success'],
      [bindDn('recvmail', 'alice@example.com'), 'invalidCredentials'],
      [SERVICE_DN, 'success'],
    ]);
    const text = JSON.stringify(f.logs);
    for (const secret of [...Object.values(PASSWORDS), 'wrong-password-xyz', f.servicePassword]) expect(text).not.toContain(secret);
  });
});
