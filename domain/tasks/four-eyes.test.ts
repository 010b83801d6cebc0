import { checkSecondApprover, fourEyesRequestOf } from './four-eyes';

// Issue 13 item 3: "need approval by a different person with the approving role; nobody approves their own request
// (quote adjustments, payment terms, refunds, statement entries)".
describe('checkSecondApprover', () => {
  const request = {
    requestedBy: 'u-requester',
    approvingRoles: ['sales_manager', 'manager'] as const,
    what: 'the price change',
  };
  it.each<[string, { userId: string; role: string }, { ok: boolean; code?: string }]>([
    ['a different person with the approving role', { userId: 'u-other', role: 'sales_manager' }, { ok: true }],
    ['another approving role', { userId: 'u-other', role: 'manager' }, { ok: true }],
    [
      'the requester, even with the approving role',
      { userId: 'u-requester', role: 'manager' },
      { ok: false, code: 'own-request' },
    ],
    [
      'a different person without the approving role',
      { userId: 'u-other', role: 'engineer' },
      { ok: false, code: 'role-not-approving' },
    ],
  ])('%s', (_case, approver, expected) => {
    expect(checkSecondApprover(request, approver)).toMatchObject(expected);
  });

  it('says why in words', () => {
    const refused = checkSecondApprover(request, { userId: 'u-requester', role: 'manager' });
    expect(refused.ok ? '' : refused.reason).toBe(
      'the price change must be approved by someone other than the person who asked for it',
    );
  });
});

describe('fourEyesRequestOf', () => {
  it('reads no request from a task that names nobody', () => {
    expect(fourEyesRequestOf({ amountFen: 100 }, '"Pay"', ['finance'])).toBeNull();
    expect(fourEyesRequestOf(null, '"Pay"', ['finance'])).toBeNull();
  });

  it('refuses the approver of a refund its payout, naming what they did', () => {
    const request = fourEyesRequestOf(
      { requestedByUserId: 'u-approver', requesterDid: 'approved this refund' },
      '"Pay out the refund"',
      ['finance'],
    );
    expect(request).toEqual({
      requestedBy: 'u-approver',
      approvingRoles: ['finance'],
      what: '"Pay out the refund"',
      requesterDid: 'approved this refund',
    });
    const refused = checkSecondApprover(request!, { userId: 'u-approver', role: 'finance' });
    expect(refused.ok ? '' : refused.reason).toBe(
      '"Pay out the refund" must be done by someone other than the person who approved this refund (four eyes)',
    );
    expect(checkSecondApprover(request!, { userId: 'u-preparer', role: 'finance' })).toEqual({ ok: true });
  });
});
