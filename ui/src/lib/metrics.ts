/** Dashboard figures computed from what the APIs list (pure, tested). */

/** Hours from a quote's creation to its issue (the customer-decision task of revision 1 opening). */
export function quoteTurnaroundHours(
  quotes: { id: string; reference?: unknown; createdAt?: unknown }[],
  decisionTasks: { caseId: string; step: string; createdAt: string }[],
): { reference: string; hours: number }[] {
  const issued = new Map<string, string>();
  for (const task of decisionTasks) {
    // The first revision's issue is the turnaround the 24 h SLA measures.
    if (!/r1$/.test(task.step) && issued.has(task.caseId)) continue;
    const prev = issued.get(task.caseId);
    if (!prev || task.createdAt < prev) issued.set(task.caseId, task.createdAt);
  }
  return quotes
    .filter((q) => issued.has(q.id) && typeof q.createdAt === 'string')
    .map((q) => ({
      reference: String(q.reference ?? q.id.slice(0, 8)),
      hours: (Date.parse(issued.get(q.id) as string) - Date.parse(q.createdAt as string)) / 3_600_000,
    }))
    .sort((a, b) => a.reference.localeCompare(b.reference));
}

/**
 * First-pass yield over recorded inspection rounds: the first round of each lot and kind counts, and its
 * yield is passed / (passed + failed units). Later rounds of the same lot are re-inspections after rework.
 */
export function firstPassYield(rounds: Record<string, unknown>[]): {
  yield: number;
  rounds: number;
  byKind: { kind: string; passed: number; failed: number }[];
} {
  const seen = new Set<string>();
  let passed = 0;
  let failed = 0;
  const byKind = new Map<string, { passed: number; failed: number }>();
  for (const r of rounds) {
    const key = `${String(r.lotIndex)}:${String(r.kind)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const p = Number(r.passedCount ?? 0);
    const f = Array.isArray(r.failedUnits) ? r.failedUnits.length : 0;
    passed += p;
    failed += f;
    const k = byKind.get(String(r.kind)) ?? { passed: 0, failed: 0 };
    k.passed += p;
    k.failed += f;
    byKind.set(String(r.kind), k);
  }
  const total = passed + failed;
  return {
    yield: total ? passed / total : 0,
    rounds: seen.size,
    byKind: [...byKind.entries()].map(([kind, v]) => ({ kind, ...v })),
  };
}
