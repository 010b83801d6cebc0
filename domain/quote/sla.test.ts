import { afterSlaEvent, nextSlaEvent, QUOTE_SLA, SLA_NOT_STARTED, slaDueAt, type SlaEvent } from './sla';
import { DEFAULT_QUOTE_VALIDITY_DAYS, isQuoteExpired, quoteExpiresAt } from './validity';
import { applyLineItemAdjustments } from './review';
import type { LineItem } from './pricing';

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);

/** The events a clock started at `startedAt` fires up to `until`, walked the way the quote workflow walks them. */
function eventsUntil(startedAt: number, until: number): SlaEvent[] {
  const events: SlaEvent[] = [];
  for (let progress = SLA_NOT_STARTED; ;) {
    const event = nextSlaEvent(startedAt, progress);
    if (event.at > until) return events;
    events.push(event);
    progress = afterSlaEvent(progress, event);
  }
}

// Seed 001 (closing line): "the KINGFORD team will provide a complete quotation within 24h". Issue 6: "a
// reminder to engineers at 20 h, an escalation email to the sales manager at 24 h and every 24 h after".
describe('quote SLA', () => {
  it.each([
    [19.99, []],
    [20, ['reminder@20']],
    [23.9, ['reminder@20']],
    [24, ['reminder@20', 'escalation1@24']],
    [47.9, ['reminder@20', 'escalation1@24']],
    [48, ['reminder@20', 'escalation1@24', 'escalation2@48']],
    [96, ['reminder@20', 'escalation1@24', 'escalation2@48', 'escalation3@72', 'escalation4@96']],
  ])('by %f h after submission: %o', (hours, expected) => {
    const events = eventsUntil(T0, T0 + hours * H).map((e) =>
      e.kind === 'reminder' ? `reminder@${(e.at - T0) / H}` : `escalation${e.number}@${(e.at - T0) / H}`,
    );
    expect(events).toEqual(expected);
  });

  it('is due at 24 h', () => {
    expect(slaDueAt(T0) - T0).toBe(24 * H);
  });

  it('a restarted clock (new revision) counts from the new start', () => {
    const restarted = T0 + 30 * H;
    expect(nextSlaEvent(restarted, SLA_NOT_STARTED)).toEqual({ kind: 'reminder', at: restarted + 20 * H });
  });

  it('escalations continue after the reminder is recorded', () => {
    const p = afterSlaEvent(SLA_NOT_STARTED, { kind: 'reminder', at: T0 + 20 * H });
    expect(nextSlaEvent(T0, p, QUOTE_SLA)).toEqual({ kind: 'escalation', at: T0 + 24 * H, number: 1 });
  });
});

// Issue 6: "Validity (30 days, configurable) → expired".
describe('quote validity', () => {
  it.each([
    [undefined, 30],
    [7, 7],
    [45, 45],
  ])('validity %s days expires after %i days', (days, expectedDays) => {
    const at = quoteExpiresAt(T0, days);
    expect((at - T0) / (24 * H)).toBe(expectedDays);
    expect(isQuoteExpired(at, at - 1)).toBe(false);
    expect(isQuoteExpired(at, at)).toBe(true);
  });
  it('defaults to 30 days and refuses nonsense', () => {
    expect(DEFAULT_QUOTE_VALIDITY_DAYS).toBe(30);
    expect(() => quoteExpiresAt(T0, 0)).toThrow(RangeError);
  });
});

// Issue 6: "engineer adjusts line items".
describe('applyLineItemAdjustments', () => {
  const items: LineItem[] = [
    {
      category: 'pcb',
      code: 'PCB',
      description: 'boards',
      quantity: 10,
      unit: 'pcs',
      unitPriceFen: 500,
      totalFen: 5000,
    },
    {
      category: 'stencil',
      code: 'STENCIL',
      description: 'stencil',
      quantity: 1,
      unit: 'pcs',
      unitPriceFen: 20000,
      totalFen: 20000,
    },
  ];
  it.each([
    [[], 25000],
    [[{ code: 'STENCIL', unitPriceFen: 15000 }], 20000],
    [[{ code: 'PCB', unitPriceFen: 450, quantity: 12 }], 25400],
  ])('%o → total %i', (adjustments, total) => {
    const r = applyLineItemAdjustments(items, adjustments);
    expect(r).toMatchObject({ ok: true, totalFen: total });
  });
  it.each([
    [[{ code: 'NOPE', unitPriceFen: 1 }], /NOPE/],
    [[{ code: 'PCB', unitPriceFen: -1 }], /unit price/],
  ])('refuses %o', (adjustments, reason) => {
    const r = applyLineItemAdjustments(items, adjustments);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});
