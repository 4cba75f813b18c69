import type { Transaction } from '@mail/haraka-common';
import { envelopeSpf, spoofAnswer, stripForgedHeaders } from './message-checks';

/** Just enough of Haraka's transaction header API, over a list of [name, value]. */
function fakeTransaction(fields: [string, string][], spf?: Record<string, unknown>): Transaction & { fields: [string, string][] } {
  const t = {
    fields,
    header: {
      get_all: (name: string) => t.fields.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => `${v}\n`),
      get header_list() {
        return t.fields.map(([n, v]) => `${n}: ${v}\n`);
      },
    },
    add_header: (name: string, value: string) => t.fields.push([name, value]),
    add_leading_header: (name: string, value: string) => t.fields.unshift([name, value]),
    remove_header: (name: string) => {
      t.fields = t.fields.filter(([n]) => n.toLowerCase() !== name.toLowerCase());
    },
    results: { get: (plugin: string) => (plugin === 'spf' ? spf : undefined), add: () => undefined },
  };
  return t as unknown as Transaction & { fields: [string, string][] };
}

describe('stripForgedHeaders (RFC 8601 §5)', () => {
  it('removes results claiming our name and every X-Mailserver-* field, keeps the rest in order', () => {
    const t = fakeTransaction([
      ['Received', 'from a by b'],
      ['Authentication-Results', 'MAIL.test; dkim=pass header.d=bank.test'],
      ['Original-Authentication-Results', 'mail.test; spf=pass'],
      ['Original-Authentication-Results', 'relay.example; spf=pass'],
      ['Authentication-Results', 'other.example; dmarc=pass'],
      ['X-Mailserver-Quarantine', 'none'],
      ['x-mailserver-rdns', 'pass (1.2.3.4)'],
      ['Subject', 'hi'],
    ]);
    expect(stripForgedHeaders(t, 'mail.test')).toBe(4);
    expect(t.fields).toEqual([
      ['Received', 'from a by b'],
      ['Subject', 'hi'],
      ['Authentication-Results', 'other.example; dmarc=pass'],
      ['Original-Authentication-Results', 'relay.example; spf=pass'],
    ]);
  });

  it('changes nothing when nothing is forged', () => {
    const fields: [string, string][] = [['Authentication-Results', 'relay.example; spf=pass'], ['X-Mailer', 'x']];
    const t = fakeTransaction([...fields]);
    expect(stripForgedHeaders(t, 'mail.test')).toBe(0);
    expect(t.fields).toEqual(fields);
  });
});

describe('envelope SPF and the anti-spoof answer', () => {
  it("reads haraka-plugin-spf's MAIL FROM result", () => {
    expect(envelopeSpf(fakeTransaction([], { scope: 'mfrom', result: 'SoftFail', domain: 'Acme.test' }))).toEqual({ result: 'softfail', domain: 'acme.test' });
    expect(envelopeSpf(fakeTransaction([], { scope: 'helo', result: 'Pass', domain: 'x.test' }))).toBeUndefined();
    expect(envelopeSpf(fakeTransaction([]))).toBeUndefined();
  });

  it('refuses with 550 5.7.1, or 451 4.7.24 when SPF could not be evaluated (RFC 7372)', () => {
    expect(spoofAnswer('why', 'softfail').message).toMatchObject({ code: 550, reply: '5.7.1 why' });
    expect(spoofAnswer('why', 'temperror').message).toMatchObject({ code: 451, reply: '4.7.24 why; try again later' });
  });
});
