import { resolveRelay } from '@mail/core';
import { describeRoute, relayRoute } from './relay-route';

describe('relayRoute', () => {
  it('leaves direct and foreign senders to the DNS MX', () => {
    expect(relayRoute(undefined)).toEqual({ kind: 'direct' });
    expect(relayRoute({ provider: 'direct' })).toEqual({ kind: 'direct' });
  });
  it('drops for noop', () => {
    expect(relayRoute({ provider: 'noop' })).toEqual({ kind: 'drop' });
  });
  it('points at the smarthost, with credentials only where there are some', () => {
    const smtp = resolveRelay({ provider: 'smtp', host: 'relay.example', port: 587, username: 'u', password: 'p' });
    expect(relayRoute(smtp)).toEqual({ kind: 'relay', mx: { priority: 0, exchange: 'relay.example', port: 587, auth_user: 'u', auth_pass: 'p' } });
    const noauth = resolveRelay({ provider: 'smtp-noauth', host: 'relay.example', port: 25 });
    expect(relayRoute(noauth)).toEqual({ kind: 'relay', mx: { priority: 0, exchange: 'relay.example', port: 25 } });
  });
  it('never describes the password', () => {
    const route = relayRoute(resolveRelay({ provider: 'mailgun', username: 'postmaster@acme', password: 'sekrit' }));
    expect(describeRoute(route)).toBe('relay smtp.mailgun.org:587 as postmaster@acme');
  });
});
