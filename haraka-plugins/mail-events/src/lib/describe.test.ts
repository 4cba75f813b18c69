import { outboundOutcome, received, rejection, replyText } from './describe';

const session = { remote: '198.18.0.9', helo: 'client.test', user: undefined, from: 'joe@sender.test' };

it('describes a refusal with where it happened and the reply', () => {
  expect(rejection(session, { code: 902, reply: '5.1.1 <x@acme.test>: no such user', plugin: 'mail-routing', hook: 'rcpt', rcpt: 'x@acme.test' })).toEqual({
    type: 'rejected',
    permanent: true,
    hook: 'rcpt',
    by: 'mail-routing',
    reason: '5.1.1 <x@acme.test>: no such user',
    remote: '198.18.0.9',
    helo: 'client.test',
    from: 'joe@sender.test',
    rcpt: 'x@acme.test',
  });
  expect(rejection(session, { code: 903, reply: undefined, plugin: 'p', hook: 'data_post' })).toMatchObject({ permanent: false, reason: '' });
});

it('describes accepted mail and outbound outcomes', () => {
  expect(received({ ...session, user: 'alice@acme.test' }, { to: ['a@acme.test'], size: 120, messageId: '<m@x>' })).toMatchObject({
    type: 'received',
    user: 'alice@acme.test',
    to: ['a@acme.test'],
    size: 120,
    messageId: '<m@x>',
  });
  expect(outboundOutcome('deferred', { from: 'a@acme.test', to: ['b@remote.test'], reason: new Error('connection refused'), delaySeconds: 60 })).toEqual({
    type: 'deferred',
    from: 'a@acme.test',
    to: ['b@remote.test'],
    reason: 'connection refused',
    retryInSeconds: 60,
  });
});

it('flattens replies of every shape to one line', () => {
  expect(replyText({ code: 550, reply: '5.7.1 denied' })).toBe('550 5.7.1 denied');
  expect(replyText(['line one', 'line two'])).toBe('line one line two');
  expect(replyText('a\r\n b')).toBe('a b');
});
