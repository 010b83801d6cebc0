/**
 * Four eyes on money (issue 13: "money decisions take two different people … nobody approves their own request").
 * A request — an engineering price change, monthly payment terms, a refund, a statement entry — is approved only
 * by a different person who holds one of the request's approving roles.
 */
import type { Role } from './roles';

/**
 * The task payload key naming the user id of the person whose request the task decides; the platform's task
 * completion refuses them (403), whatever their role.
 */
export const FOUR_EYES_REQUESTER = 'requestedByUserId';

/** Why an approver is refused. */
export type ApproverRefusal = { ok: false; code: 'own-request' | 'role-not-approving'; reason: string };

/** Who asked for something that needs a second person. */
export interface ApprovalRequest {
  /** User id of the person who asked. */
  requestedBy: string;
  /** Roles that may approve it. */
  approvingRoles: readonly Role[];
  /** What is approved, for the messages. */
  what: string;
}

/** Checks that `approver` may approve `request`: a different person with an approving role. */
export function checkSecondApprover(
  request: ApprovalRequest,
  approver: { userId: string; role: string },
): { ok: true } | ApproverRefusal {
  if (approver.userId === request.requestedBy) {
    return {
      ok: false,
      code: 'own-request',
      reason: `${request.what} must be approved by someone other than the person who asked for it`,
    };
  }
  if (!(request.approvingRoles as readonly string[]).includes(approver.role)) {
    return {
      ok: false,
      code: 'role-not-approving',
      reason: `${request.what} is approved by ${request.approvingRoles.join(' or ')}, not ${approver.role}`,
    };
  }
  return { ok: true };
}
