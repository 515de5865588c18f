import { describe, expect, it } from 'vitest';
import { describeSearchTotal } from '../../web/src/lib/format.ts';

describe('the search total line', () => {
  it('counts exact totals, grouping thousands', () => {
    expect(describeSearchTotal(1, true, 'deploy')).toBe('1 result for “deploy”');
    expect(describeSearchTotal(0, true, 'deploy')).toBe('0 results for “deploy”');
    expect(describeSearchTotal(2345, true, 'deploy')).toBe('2,345 results for “deploy”');
  });

  it('marks a bounded total as a lower bound', () => {
    expect(describeSearchTotal(10000, false, 'the')).toBe('10,000+ results for “the”');
  });
});
