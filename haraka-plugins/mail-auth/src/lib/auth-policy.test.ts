import { offersAuth, refuseAuthCommand, type SessionFacts } from './auth-policy';

const session = (change: Partial<SessionFacts> = {}): SessionFacts => ({
  submissionPort: true,
  tls: true,
  authenticated: false,
  inTransaction: false,
  ...change,
});

describe('offersAuth', () => {
  it('offers AUTH on a submission port inside TLS only', () => {
    expect(offersAuth(session())).toBe(true);
    expect(offersAuth(session({ tls: false }))).toBe(false);
    expect(offersAuth(session({ submissionPort: false }))).toBe(false);
    expect(offersAuth(session({ authenticated: true }))).toBe(false);
  });
});

describe('refuseAuthCommand (RFC 4954)', () => {
  it('lets AUTH through when it is allowed', () => {
    expect(refuseAuthCommand(session())).toBeUndefined();
  });

  it('refuses AUTH on the MX port', () => {
    expect(refuseAuthCommand(session({ submissionPort: false }))).toEqual({ code: 502, text: '5.5.1 AUTH is not available on this port' });
  });

  it('refuses AUTH before TLS with 538 5.7.11', () => {
    expect(refuseAuthCommand(session({ tls: false }))?.code).toBe(538);
    expect(refuseAuthCommand(session({ tls: false }))?.text).toMatch(/^5\.7\.11 /);
  });

  it('refuses a second AUTH and AUTH inside a transaction with 503', () => {
    expect(refuseAuthCommand(session({ authenticated: true }))?.code).toBe(503);
    expect(refuseAuthCommand(session({ inTransaction: true }))?.code).toBe(503);
  });
});
