import { isLmtpHandoff, markLmtpHandoff, rememberRoute, ROUTING_NOTE, targetMailboxes } from './notes';

describe('routing notes', () => {
  it('collects the mailboxes of all recipients, each once', () => {
    const notes: Record<string, unknown> = {};
    rememberRoute(notes, 'Alias@X.test', ['alice@x.test']);
    rememberRoute(notes, 'alice@x.test', ['alice@x.test']);
    rememberRoute(notes, 'all@x.test', ['bob@x.test', 'alice@x.test']);
    expect(targetMailboxes(notes, ['alias@x.test', 'alice@x.test', 'all@x.test'])).toEqual(['alice@x.test', 'bob@x.test']);
    expect(Object.keys(notes)).toEqual([ROUTING_NOTE]);
  });

  it('only counts recipients still in the transaction', () => {
    const notes: Record<string, unknown> = {};
    rememberRoute(notes, 'a@x.test', ['a@x.test']);
    rememberRoute(notes, 'b@x.test', ['b@x.test']);
    expect(targetMailboxes(notes, ['b@x.test'])).toEqual(['b@x.test']);
  });

  it('refuses a recipient that has no recorded route', () => {
    expect(() => targetMailboxes({}, ['a@x.test'])).toThrow(/no route recorded/);
  });

  it('marks a hand-off so it survives the outbound queue file (JSON)', () => {
    const notes: Record<string, unknown> = {};
    expect(isLmtpHandoff(notes)).toBe(false);
    markLmtpHandoff(notes);
    expect(isLmtpHandoff(JSON.parse(JSON.stringify(notes)) as Record<string, unknown>)).toBe(true);
    expect(isLmtpHandoff(undefined)).toBe(false);
  });
});
