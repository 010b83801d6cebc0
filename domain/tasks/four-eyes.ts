/**
 * Four eyes on money (issue 13: "money decisions take two different people … nobody approves their own request").
 * A request — an engineering price change, monthly payment terms, a refund, a statement entry — is approved only
 * by a different person who holds one of the request's approving roles. The same mechanism keeps the approver of a
 * refund from recording its payout (see {@link FOUR_EYES_REQUESTER_DID}).
 */
import type { Role } from './roles';

/**
 * The task payload key naming the user id of the person whose request the task decides; the platform's task
 * completion refuses them (403), whatever their role.
 */
export const FOUR_EYES_REQUESTER = 'requestedByUserId';

/**
 * The task payload key saying what the person named by {@link FOUR_EYES_REQUESTER} did, when the task follows more
 * than their request: a refund's payout names whoever approved the refund ("approved this refund"), so the person
 * who let the money go is not also the one who records it leaving. The refusal names the rule in those words.
 */
export const FOUR_EYES_REQUESTER_DID = 'requesterDid';

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
  /** What the excluded person did, when it was more than asking (e.g. "approved this refund"). */
  requesterDid?: string;
}

/** The four-eyes request a task's payload states, if any (see {@link FOUR_EYES_REQUESTER}). */
export function fourEyesRequestOf(
  payload: Record<string, unknown> | null | undefined,
  what: string,
  approvingRoles: readonly Role[],
): ApprovalRequest | null {
  const requestedBy = payload?.[FOUR_EYES_REQUESTER];
  if (typeof requestedBy !== 'string') return null;
  const did = payload?.[FOUR_EYES_REQUESTER_DID];
  return { requestedBy, approvingRoles, what, ...(typeof did === 'string' && did ? { requesterDid: did } : {}) };
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
      reason: request.requesterDid
        ? `${request.what} must be done by someone other than the person who ${request.requesterDid} (four eyes)`
        : `${request.what} must be approved by someone other than the person who asked for it`,
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
