import { CORE_TOO_BIG_TEXT, declaredSizeTooBig, MAX_RECIPIENTS, setSizeLimit, sizeReply, TOO_BIG_TEXT, tooManyRecipients } from './message-limits';

describe('sizeReply', () => {
  it("turns Haraka's oversize 550 into 552 5.3.4 (RFC 1870 §6.1)", () => {
    expect(sizeReply(550, CORE_TOO_BIG_TEXT)).toEqual({ code: 552, message: TOO_BIG_TEXT });
  });
  it('leaves every other reply alone', () => {
    expect(sizeReply(550, 'No such user')).toEqual({ code: 550, message: 'No such user' });
    expect(sizeReply(450, CORE_TOO_BIG_TEXT)).toEqual({ code: 450, message: CORE_TOO_BIG_TEXT });
  });
});

describe('tooManyRecipients', () => {
  it('allows 500 recipients and refuses the 501st', () => {
    expect(tooManyRecipients(MAX_RECIPIENTS)).toBe(false);
    expect(tooManyRecipients(MAX_RECIPIENTS + 1)).toBe(true);
  });
});

describe('setSizeLimit', () => {
  it("replaces core's SIZE keyword in place and keeps the others", () => {
    const caps = ['mail.test Hello', 'PIPELINING', 'SIZE 26214400', 'STARTTLS'];
    setSizeLimit(caps, 2048);
    expect(caps).toEqual(['mail.test Hello', 'PIPELINING', 'SIZE 2048', 'STARTTLS']);
  });
  it('adds SIZE when core did not', () => {
    const caps = ['PIPELINING'];
    setSizeLimit(caps, 4096);
    expect(caps).toEqual(['PIPELINING', 'SIZE 4096']);
  });
});

describe('declaredSizeTooBig', () => {
  it('compares a numeric SIZE= with the limit; anything else is left to core', () => {
    expect(declaredSizeTooBig('2049', 2048)).toBe(true);
    expect(declaredSizeTooBig('2048', 2048)).toBe(false);
    expect(declaredSizeTooBig(null, 2048)).toBe(false);
    expect(declaredSizeTooBig(undefined, 2048)).toBe(false);
    expect(declaredSizeTooBig('x', 2048)).toBe(false);
  });
});
