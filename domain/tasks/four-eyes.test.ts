import { checkSecondApprover } from './four-eyes';

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
