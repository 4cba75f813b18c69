import { Client, NoSuchObjectError, type Entry, type SearchOptions } from 'ldapts';
import { BASE_DN, SERVICE_DN, startFixture, type BridgeFixture } from './testing';

let f: BridgeFixture;
let ldap: Client;

beforeAll(async () => {
  f = await startFixture();
  ldap = new Client({ url: f.url });
  await ldap.bind(SERVICE_DN, f.servicePassword);
});
afterAll(async () => {
  await ldap.unbind();
  await f.close();
});

/** Entries as plain objects with every attribute an array, names lower-cased. */
type Plain = Record<string, string[]>;

function plain(entry: Entry): Plain {
  const out: Plain = {};
  for (const [name, value] of Object.entries(entry)) {
    const values = Array.isArray(value) ? value : [value];
    out[name.toLowerCase()] = values.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v)).sort();
  }
  return out;
}

async function search(base: string, options: SearchOptions = {}): Promise<Plain[]> {
  const { searchEntries } = await ldap.search(base, options);
  return searchEntries.map(plain);
}

const under = (ou: string): string => `ou=${ou},${BASE_DN}`;
const dns = (entries: Plain[]): string[] => entries.flatMap((e) => e['dn'] ?? []).sort();

describe('mailboxes', () => {
  it('publishes every documented attribute', async () => {
    const [alice, ...rest] = await search(under('mailboxes'), { filter: '(mail=alice@example.com)' });
    expect(rest).toEqual([]);
    expect(alice).toEqual({
      dn: [`cn=alice@example.com,ou=mailboxes,${BASE_DN}`],
      objectclass: ['mailbox'],
      cn: ['alice@example.com'],
      mail: ['alice@example.com'],
      uid: ['alice@example.com'],
      mailboxname: ['alice'],
      domain: ['example.com'],
      ownertype: ['user'],
      owner: ['alice'],
      active: ['TRUE'],
      pop3: ['FALSE'],
      mailalternateaddress: ['al@example.com', 'alice@other.org'],
      mailenabledservice: ['imap', 'lmtp', 'sieve'],
      domainmasquerade: ['FALSE'],
    });
  });

  it('shows group and app owners, POP3, masquerading and disabled mailboxes', async () => {
    const filter = '(|(mail=team@example.com)(mail=shop.app@example.com)(mail=bob@other.org)(mail=carol@example.com))';
    const byMail = new Map((await search(under('mailboxes'), { filter })).map((e) => [e['mail']?.[0], e]));
    expect(byMail.get('team@example.com')).toMatchObject({ ownertype: ['group'], owner: ['team'] });
    expect(byMail.get('shop.app@example.com')).toMatchObject({ ownertype: ['app'], owner: ['shop'] });
    expect(byMail.get('bob@other.org')).toMatchObject({
      pop3: ['TRUE'],
      domainmasquerade: ['TRUE'],
      mailenabledservice: ['imap', 'lmtp', 'pop3', 'sieve'],
    });
    const carol = byMail.get('carol@example.com');
    expect(carol).toMatchObject({ active: ['FALSE'] });
    expect(carol?.['mailenabledservice']).toBeUndefined();
  });

  it.each(['recvmail', 'sendmail'])('answers Dovecot/Haraka-style searches under ou=%s', async (ou) => {
    const filter = '(&(objectClass=mailbox)(|(uid=Alice@Example.COM)(mail=Alice@Example.COM)))';
    const entries = await search(under(ou), { filter, attributes: ['mailAlternateAddress', 'MAILENABLEDSERVICE', 'uid'] });
    expect(entries).toEqual([
      {
        dn: [`cn=alice@example.com,ou=${ou},${BASE_DN}`],
        uid: ['alice@example.com'],
        mailalternateaddress: ['al@example.com', 'alice@other.org'],
        mailenabledservice: ['imap', 'lmtp', 'sieve'],
      },
    ]);
  });

  it('lists all mailboxes and filters on any attribute', async () => {
    expect((await search(under('mailboxes'), { scope: 'one' })).length).toBe(5);
    const inactive = await search(under('mailboxes'), { filter: '(&(objectclass=mailbox)(active=false))' });
    expect(dns(inactive)).toEqual([`cn=carol@example.com,ou=mailboxes,${BASE_DN}`]);
    const byAlias = await search(under('recvmail'), { filter: '(mailAlternateAddress=alice@other.org)' });
    expect(dns(byAlias)).toEqual([`cn=alice@example.com,ou=recvmail,${BASE_DN}`]);
    const apps = await search(under('mailboxes'), { filter: '(mail=*.app@*)' });
    expect(dns(apps)).toEqual([`cn=shop.app@example.com,ou=mailboxes,${BASE_DN}`]);
  });
});

describe('aliases, lists, domains, users and groups', () => {
  it('publishes aliases, cross-domain ones included', async () => {
    const entries = await search(under('mailaliases'), { scope: 'one' });
    expect(entries).toEqual([
      { dn: [`cn=al@example.com,ou=mailaliases,${BASE_DN}`], objectclass: ['nisMailAlias'], cn: ['al@example.com'], mail: ['al@example.com'], rfc822mailmember: ['alice@example.com'] },
      { dn: [`cn=alice@other.org,ou=mailaliases,${BASE_DN}`], objectclass: ['nisMailAlias'], cn: ['alice@other.org'], mail: ['alice@other.org'], rfc822mailmember: ['alice@example.com'] },
    ]);
    expect(dns(await search(under('mailaliases'), { filter: '(mail=alice@example.com)' }))).toEqual([]);
  });

  it('has an empty ou=mailinglists until lists arrive', async () => {
    expect(await search(under('mailinglists'), { scope: 'one' })).toEqual([]);
  });

  it('publishes domains with their masquerade and incoming flags', async () => {
    expect(await search(under('domains'), { filter: '(cn=other.org)' })).toEqual([
      {
        dn: [`cn=other.org,ou=domains,${BASE_DN}`], objectclass: ['mailDomain'], cn: ['other.org'], domain: ['other.org'],
        domainmasquerade: ['TRUE'], domainincoming: ['TRUE'],
      },
    ]);
    expect((await search(under('domains'), { filter: '(objectclass=mailDomain)' })).length).toBe(2);
  });

  it('publishes a domain signature, live, and drops it once cleared', async () => {
    await f.services.store.setDomainSignature('other.org', '-- \nOther Org', '<p>Other <b>Org</b></p>');
    const [signed] = await search(under('domains'), { filter: '(cn=other.org)' });
    expect(signed).toMatchObject({ mailsignaturetext: ['-- \nOther Org'], mailsignaturehtml: ['<p>Other <b>Org</b></p>'] });
    await f.services.store.setDomainSignature('other.org', null, null);
    const [cleared] = await search(under('domains'), { filter: '(cn=other.org)' });
    expect(cleared?.['mailsignaturetext']).toBeUndefined();
    expect(cleared?.['mailsignaturehtml']).toBeUndefined();
  });

  it('publishes users with their groups, and groups with their members', async () => {
    const [alice] = await search(under('users'), { filter: '(uid=alice)' });
    expect(alice).toMatchObject({ objectclass: ['user'], uid: ['alice'], username: ['alice'], memberof: [`cn=team,ou=groups,${BASE_DN}`] });
    const [dave] = await search(under('users'), { filter: '(username=dave)' });
    expect(dave?.['memberof']).toBeUndefined();
    expect(await search(under('groups'), { scope: 'one' })).toEqual([
      { dn: [`cn=team,ou=groups,${BASE_DN}`], objectclass: ['group'], cn: ['team'], memberuid: ['alice', 'bob'] },
    ]);
  });
});

describe('scopes and bases', () => {
  it('answers the base entry, its units and a whole subtree', async () => {
    expect(dns(await search(BASE_DN, { scope: 'base' }))).toEqual([BASE_DN]);
    const units = await search(BASE_DN, { scope: 'one', filter: '(objectclass=organizationalUnit)' });
    expect(units.map((u) => u['ou']?.[0]).sort()).toEqual(
      ['domains', 'groups', 'mailaliases', 'mailboxes', 'mailinglists', 'recvmail', 'routes', 'sendmail', 'users'].sort(),
    );
    const aliases = await search(BASE_DN, { scope: 'sub', filter: '(objectclass=nisMailAlias)' });
    expect(aliases.length).toBe(2);
  });

  it('reads one entry by DN, in any case', async () => {
    const entries = await search(`CN=Alice@Example.com,OU=Mailboxes,DC=Cloudron`, { scope: 'base' });
    expect(dns(entries)).toEqual([`cn=alice@example.com,ou=mailboxes,${BASE_DN}`]);
    expect(await search(`cn=alice@example.com,ou=mailboxes,${BASE_DN}`, { scope: 'one' })).toEqual([]);
  });

  it('answers noSuchObject for unknown entries and bases outside the tree', async () => {
    await expect(search(`cn=nobody@example.com,ou=mailboxes,${BASE_DN}`, { scope: 'base' })).rejects.toBeInstanceOf(NoSuchObjectError);
    await expect(search(`ou=nothing,${BASE_DN}`)).rejects.toBeInstanceOf(NoSuchObjectError);
    await expect(search('dc=elsewhere')).rejects.toBeInstanceOf(NoSuchObjectError);
  });

  it("honours the client's size limit", async () => {
    // ldapts hands back the entries sent before sizeLimitExceeded when it asked for a limit.
    expect(await search(under('mailboxes'), { scope: 'one', sizeLimit: 2 })).toHaveLength(2);
    expect(await search(under('mailboxes'), { scope: 'one', sizeLimit: 5 })).toHaveLength(5);
  });

  it('refuses writes', async () => {
    await expect(ldap.del(`cn=alice@example.com,ou=mailboxes,${BASE_DN}`)).rejects.toThrow();
  });
});

describe('live changes', () => {
  it('shows new mailboxes, aliases and settings without a restart', async () => {
    await f.services.addMailbox({ address: 'erin@example.com', owner: 'dave' });
    await f.services.setAliases('erin@example.com', ['e@other.org']);
    await f.services.setMasquerade('example.com', true);
    const [erin] = await search(under('recvmail'), { filter: '(mail=erin@example.com)' });
    expect(erin).toMatchObject({ owner: ['dave'], mailalternateaddress: ['e@other.org'], domainmasquerade: ['TRUE'] });
    await f.services.removeMailbox('erin@example.com');
    await f.services.setMasquerade('example.com', false);
    expect(await search(under('recvmail'), { filter: '(mail=erin@example.com)' })).toEqual([]);
    expect(await search(under('mailaliases'), { filter: '(mail=e@other.org)' })).toEqual([]);
  });
});
