import { maskRelay, parseRelay, resolveRelay, MASKED_PASSWORD } from './relay';

describe('resolveRelay', () => {
  it('fills preset host and port, and keeps overrides', () => {
    expect(resolveRelay({ provider: 'sendgrid', username: 'apikey', password: 'k' })).toEqual({
      provider: 'sendgrid', host: 'smtp.sendgrid.net', port: 587, username: 'apikey', password: 'k', acceptSelfSigned: false,
    });
    expect(resolveRelay({ provider: 'ses', host: 'email-smtp.eu-west-1.amazonaws.com', username: 'u', password: 'p' })).toMatchObject({
      host: 'email-smtp.eu-west-1.amazonaws.com', port: 587,
    });
  });
  it('checks what each provider needs', () => {
    expect(resolveRelay({ provider: 'noop' })).toEqual({ provider: 'noop' });
    expect(resolveRelay({ provider: 'smtp-noauth', host: 'relay.example', port: 25 })).toEqual({
      provider: 'smtp-noauth', host: 'relay.example', port: 25, acceptSelfSigned: false,
    });
    expect(() => resolveRelay({ provider: 'smtp', host: 'relay.example', port: 587 })).toThrow(/username and a password/);
    expect(() => resolveRelay({ provider: 'smtp', host: 'bad host', port: 587, username: 'u', password: 'p' })).toThrow(/host/);
    expect(() => resolveRelay({ provider: 'smtp', host: 'relay.example', port: 70000, username: 'u', password: 'p' })).toThrow(/port/);
    expect(() => resolveRelay({ provider: 'carrier-pigeon' })).toThrow(/unknown relay provider/);
    expect(() => resolveRelay({ provider: 'direct', host: 'x.example' })).toThrow(/no host/);
    expect(() => resolveRelay({ provider: 'smtp-noauth', host: 'r.example', port: 25, password: 'p' })).toThrow(/no username/);
  });
});

describe('parseRelay and maskRelay', () => {
  it('reads null as direct and refuses broken JSON', () => {
    expect(parseRelay(null)).toEqual({ provider: 'direct' });
    expect(() => parseRelay('{')).toThrow(/not JSON/);
  });
  it('round-trips and masks the password', () => {
    const relay = resolveRelay({ provider: 'mailgun', username: 'u', password: 'secret' });
    expect(parseRelay(JSON.stringify(relay))).toEqual(relay);
    expect(maskRelay(relay)).toMatchObject({ password: MASKED_PASSWORD });
    expect(maskRelay({ provider: 'noop' })).toEqual({ provider: 'noop' });
  });
});
