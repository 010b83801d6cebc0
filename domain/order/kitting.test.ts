import { kittingStatus, type KitLine } from './kitting';

// Issue 6: "material kitting (each component in stock, to purchase with its lead time, or consigned and awaited)";
// DESIGN.md: "material kitting (purchase lead times)".
describe('kittingStatus', () => {
  const stock: KitLine = { partNumber: 'R1K-0402', quantity: 100, source: { kind: 'in_stock' } };
  const buy = (days: number, arrived = false): KitLine => ({ partNumber: `IC-${days}`, quantity: 10, source: { kind: 'purchase', leadTimeDays: days, arrived } });
  const consigned = (arrived: boolean): KitLine => ({ partNumber: 'MCU-CUST', quantity: 10, source: { kind: 'consigned', arrived } });

  it.each([
    ['everything in stock', [stock], { ready: true, waitDays: 0, awaitingCustomer: false, shortages: 0 }],
    ['two purchases: wait for the longest lead time', [stock, buy(5), buy(12)], { ready: false, waitDays: 12, awaitingCustomer: false, shortages: 2 }],
    ['an arrived purchase no longer blocks', [stock, buy(12, true)], { ready: true, waitDays: 0, awaitingCustomer: false, shortages: 0 }],
    ['consigned material not yet sent by the customer', [stock, consigned(false)], { ready: false, waitDays: 0, awaitingCustomer: true, shortages: 1 }],
    ['consigned material arrived', [stock, consigned(true)], { ready: true, waitDays: 0, awaitingCustomer: false, shortages: 0 }],
  ] as const)('%s', (_name, lines, expected) => {
    const status = kittingStatus(lines);
    expect({ ready: status.ready, waitDays: status.waitDays, awaitingCustomer: status.awaitingCustomer, shortages: status.shortages.length }).toEqual(expected);
  });

  it('refuses an empty kit and bad quantities', () => {
    expect(() => kittingStatus([])).toThrow(/at least one line/);
    expect(() => kittingStatus([{ ...stock, quantity: 0 }])).toThrow(/quantity/);
  });
});
