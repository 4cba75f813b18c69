import { CORE_TOO_BIG_TEXT, MAX_RECIPIENTS, sizeReply, TOO_BIG_TEXT, tooManyRecipients } from './message-limits';

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
