import { hasRemoteRecipients, REMOTE_NOTE, rememberRemote, splitRecipients } from './remote-recipients';

describe('remote recipients of a submission', () => {
  it('remembers each remote recipient once, lower-cased, under its own note key', () => {
    const notes: Record<string, unknown> = {};
    expect(hasRemoteRecipients(notes)).toBe(false);
    rememberRemote(notes, 'Bob@Remote.test');
    rememberRemote(notes, 'bob@remote.test');
    expect(notes[REMOTE_NOTE]).toEqual({ recipients: ['bob@remote.test'] });
    expect(hasRemoteRecipients(notes)).toBe(true);
  });

  it('splits envelope recipients into local and remote, keeping their order and objects', () => {
    const notes: Record<string, unknown> = {};
    rememberRemote(notes, 'far@remote.test');
    rememberRemote(notes, 'x@else.test');
    const rcpts = [{ a: 'X@else.test' }, { a: 'bob@acme.test' }, { a: 'far@remote.test' }, { a: 'al@acme.test' }];
    const split = splitRecipients(notes, rcpts, (r) => r.a);
    expect(split.local).toEqual([rcpts[1], rcpts[3]]);
    expect(split.remote).toEqual([rcpts[0], rcpts[2]]);
  });

  it('treats every recipient as local when none was remembered (notes from a queue file too)', () => {
    expect(splitRecipients({}, ['a@acme.test'], (r) => r)).toEqual({ local: ['a@acme.test'], remote: [] });
    expect(hasRemoteRecipients({ [REMOTE_NOTE]: { recipients: 'garbage' } })).toBe(false);
  });
});
