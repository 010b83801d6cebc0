import { canCancel, planCompensation, type ForwardStep } from './cancellation';
import type { OrderStage } from './contract';

// Issue 6: "Sales manager can cancel at any step, with compensation (materials released, invoice voided, tasks
// closed)"; STYLE.md: "Compensation registered only after its forward step succeeds; run in reverse".
describe('planCompensation', () => {
  it.each<[string, ForwardStep[], number, string[]]>([
    ['nothing done yet', [], 0, []],
    [
      'cancelled during production',
      ['deposit_invoiced', 'materials_reserved', 'line_slot_booked'],
      30_000,
      ['release_line_slot', 'release_materials', 'void_deposit_invoice'],
    ],
    [
      'cancelled while unpaid',
      ['materials_reserved', 'line_slot_booked', 'balance_invoiced'],
      0,
      ['void_balance_invoice', 'release_line_slot', 'release_materials'],
    ],
    ['a step recorded twice is undone once', ['materials_reserved', 'materials_reserved'], 0, ['release_materials']],
  ])('%s', (_name, steps, received, expected) => {
    const plan = planCompensation(steps, received);
    expect(plan.compensations).toEqual(expected);
    expect(plan.refundFen).toBe(received);
    expect(plan.closeTasks).toBe(true);
  });
});

describe('canCancel', () => {
  it.each<[OrderStage, boolean]>([
    ['contract', true],
    ['volume_production', true],
    ['payment', true],
    ['shipment', false],
    ['delivered', false],
    ['cancelled', false],
  ])('%s → %s', (stage, ok) => {
    expect(canCancel(stage).ok).toBe(ok);
  });
});
