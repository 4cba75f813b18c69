import { hasUnendedPart } from './mime-shape';

describe('hasUnendedPart', () => {
  it('is false for single parts and closed multiparts', () => {
    expect(hasUnendedPart(undefined)).toBe(false);
    expect(hasUnendedPart({ state: 'body', children: [] })).toBe(false);
    expect(hasUnendedPart({ state: 'end', children: [{ state: 'body' }, { state: 'end', children: [{ state: 'body' }] }] })).toBe(false);
  });
  it('finds a multipart still inside a part, at any depth', () => {
    expect(hasUnendedPart({ state: 'child', children: [{ state: 'body' }] })).toBe(true);
    expect(hasUnendedPart({ state: 'end', children: [{ state: 'body' }, { state: 'child', children: [{ state: 'body' }] }] })).toBe(true);
  });
});
