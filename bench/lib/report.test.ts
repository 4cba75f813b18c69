import { formatTable, median, ratio } from './report';

describe('formatTable', () => {
  it('right-aligns columns, prints numbers with fixed decimals and missing cells as -', () => {
    expect(formatTable(['size', 'rate'], [['2KB', 123.456], ['1MB', null], ['x', 7]])).toBe(
      ['size |  rate', '-----|------', ' 2KB | 123.5', ' 1MB |     -', '   x |     7'].join('\n'),
    );
  });
  it('honours the digits argument, for all columns or per column', () => {
    expect(formatTable(['r'], [[0.456]], 2)).toBe('   r\n----\n0.46');
    expect(formatTable(['a', 'b'], [[1.25, 0.456]], [0, 2])).toBe('a |    b\n--|-----\n1 | 0.46');
  });
});

describe('ratio', () => {
  it('divides and rounds to 2 decimals', () => expect(ratio(1, 3)).toBe(0.33));
  it('is null without both sides or with a zero divisor', () => {
    expect(ratio(null, 3)).toBeNull();
    expect(ratio(1, undefined)).toBeNull();
    expect(ratio(1, 0)).toBeNull();
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});
