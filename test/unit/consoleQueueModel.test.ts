import {
  actionApplies, expiryFrom, filtersFromSearch, filtersToQuery, firstWords, ipRange, itemLabel, moveIndex, newArrivals, nextOpenIndex, undoActionFor,
} from '../../console/queueModel';

/** The console queue's rules that need no browser. */
describe('console queue model', () => {
  test('undo is the action that puts the comment back where it was', () => {
    expect(undoActionFor('pending')).toBe('restore');
    expect(undoActionFor('spam')).toBe('spam');
    expect(undoActionFor('approved')).toBe('approve');
    expect(undoActionFor('rejected')).toBe('reject');
    expect(undoActionFor('deleted')).toBe('delete');
  });

  test('an action that would change nothing is not offered; Not spam only on spam', () => {
    expect(actionApplies('approve', 'pending')).toBe(true);
    expect(actionApplies('approve', 'approved')).toBe(false);
    expect(actionApplies('restore', 'pending')).toBe(false);
    expect(actionApplies('restore', 'spam')).toBe(true);
    expect(actionApplies('delete', 'spam')).toBe(true);
  });

  test('a poll only reports comments the list has not shown, in the order the server gave', () => {
    const known = new Set(['a', 'b']);
    expect(newArrivals(known, [{ id: 'a' }, { id: 'c' }, { id: 'b' }, { id: 'd' }]).map((c) => c.id)).toEqual(['c', 'd']);
    expect(newArrivals(known, [])).toEqual([]);
  });

  test('items are labelled by author and first words', () => {
    expect(itemLabel('Jane', 'Short one.')).toBe('Jane: Short one.');
    expect(itemLabel('Jane', 'one two three four five six seven eight nine ten')).toBe('Jane: one two three four five six seven eight…');
    expect(firstWords('  spaced\n\nout   text ')).toBe('spaced out text');
    expect(firstWords('x'.repeat(200)).length).toBe(60);
  });

  test('j/k stay inside the list; after an action the cursor goes to the next item still to do', () => {
    expect(moveIndex(0, -1, 1)).toBe(-1);
    expect(moveIndex(3, -1, 1)).toBe(0);
    expect(moveIndex(3, 2, 1)).toBe(2);
    expect(moveIndex(3, 0, -1)).toBe(0);
    expect(nextOpenIndex([true, true, false, false], 0)).toBe(2);
    expect(nextOpenIndex([false, true, true], 0)).toBe(0);
  });

  test('filters round-trip through the address bar and drop unknown values', () => {
    const f = filtersFromSearch('?status=spam&site=demo&page=%2Fa&q=casino');
    expect(f).toEqual({ status: 'spam', site: 'demo', page: '/a', q: 'casino' });
    expect(filtersToQuery(f, { limit: '50' })).toBe('status=spam&site=demo&page=%2Fa&q=casino&limit=50');
    expect(filtersFromSearch('?status=<script>').status).toBe('pending');
    expect(filtersToQuery(filtersFromSearch(''))).toBe('status=pending');
  });

  test('a ban on a range covers the /24 (IPv4) or the /64 (IPv6) around the address', () => {
    expect(ipRange('203.0.113.77')).toBe('203.0.113.0/24');
    expect(ipRange('::ffff:198.51.100.9')).toBe('198.51.100.0/24');
    expect(ipRange('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(ipRange('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(ipRange('not an ip')).toBeNull();
  });

  test('ban expiry choices', () => {
    const now = new Date('2026-12-01T00:00:00Z');
    expect(expiryFrom('7d', now)).toBe('2026-12-08T00:00:00.000Z');
    expect(expiryFrom('never', now)).toBeNull();
  });
});
