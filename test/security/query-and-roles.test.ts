/**
 * Two small agreements the API surface relies on (issue 15):
 * - list filters in query strings are bounded, refuse control characters and refuse values outside their enum,
 *   with a 400 naming the parameter (the error middleware names the zod issue's path);
 * - an endpoint that completes a workflow task admits exactly the roles the task admits (its role and the kind's
 *   stand-ins), so nobody passes the endpoint only to be refused by the task, and nobody the task takes is refused.
 */
import type { z } from 'zod';
import { ListQuotesQuery } from '../../services/quote/schemas';
import { ListRmasQuery } from '../../services/rma/schemas';
import { ListOrdersQuery } from '../../services/production/schemas';
import { ListTasksQuery } from '../../services/tasks/schemas';
import { ACCESS_MATRIX } from '../../services/access-matrix';
import {
  correctedFilesTaskKind,
  customerDecisionTaskKind,
  engineeringReviewTaskKind,
} from '../../domain/quote/task-kinds';
import type { TaskKind } from '../../domain/tasks/kinds';

function refusedParameter(schema: z.ZodType, query: Record<string, string>): string | undefined {
  const parsed = schema.safeParse(query);
  return parsed.success ? undefined : parsed.error.issues.map((i) => i.path.join('.')).join(',');
}

describe('list filters in query strings', () => {
  it.each([
    ['quotes', { status: 'awaiting_customer' }, { status: 'awaiting_customer; drop' }, ListQuotesQuery],
    ['quotes', { status: 'accepted' }, { status: 'x'.repeat(5000) }, ListQuotesQuery],
    ['rmas', { status: 'closed:repaired' }, { status: 'closed:anything' }, ListRmasQuery],
    ['rmas', { status: 'analysis' }, { status: 'analysis\u0007' }, ListRmasQuery],
    ['orders', { status: 'kitting' }, { status: 'shipping' }, ListOrdersQuery],
    ['tasks', { status: 'open' }, { status: 'pending' }, ListTasksQuery],
  ] as const)('%s: %j is taken, %j refused naming status', (_name, good, bad, schema) => {
    expect(refusedParameter(schema, good)).toBeUndefined();
    expect(refusedParameter(schema, bad)).toBe('status');
  });

  it.each([
    [{ q: 'clock block' }, undefined],
    [{ q: 'line\nbreak' }, 'q'],
    [{ q: 'bell\u0007' }, 'q'],
    [{ q: 'x'.repeat(201) }, 'q'],
    [{ caseType: 'x'.repeat(51) }, 'caseType'],
    [{ kind: 'tab\there' }, 'kind'],
  ])('tasks: %j → refused %s', (query, refused) => {
    expect(refusedParameter(ListTasksQuery, query)).toBe(refused);
  });

  it('an unknown parameter is refused on the list endpoints, not ignored', () => {
    for (const schema of [ListQuotesQuery, ListRmasQuery, ListOrdersQuery, ListTasksQuery])
      expect(refusedParameter(schema, { stauts: 'open' })).toBe('');
  });
});

describe('step endpoints admit the roles of the task they complete', () => {
  const rolesOf = (workflowRole: string, kind: TaskKind) => [workflowRole, ...(kind.alsoAllowed ?? [])].sort();
  it.each([
    // The workflow gives the customer's steps the role `customer`, the engineering review `engineer`.
    ['POST /api/quotes/{id}/decision', [rolesOf('customer', customerDecisionTaskKind)]],
    [
      'POST /api/quotes/{id}/revisions',
      [rolesOf('customer', customerDecisionTaskKind), rolesOf('customer', correctedFilesTaskKind)],
    ],
    ['POST /api/quotes/{id}/review', [rolesOf('engineer', engineeringReviewTaskKind)]],
  ])('%s', (operation, taskRoles) => {
    const who = ACCESS_MATRIX[operation].who;
    expect(Array.isArray(who)).toBe(true);
    for (const roles of taskRoles) expect([...(who as string[])].sort()).toEqual(roles);
  });
});
