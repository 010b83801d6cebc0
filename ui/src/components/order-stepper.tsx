/**
 * Where an order stands, as the customer follows it: quote → contract → production → QC → payment → shipped →
 * delivered, each step done (with its date), current, or to come. Dates come from the order's decisions and
 * shipments; a step passed without a recorded date shows only its tick.
 */
import { useApp } from '../context';
import type { StringKey } from '../strings';

interface StepperOrder {
  createdAt: string;
  status: string;
  workflow: { stage?: string; decisions?: { step: string; at: string }[] } | null;
  shipments: { deliveredAt: string | null }[];
}

const STEPS: { key: StringKey; stages: string[]; done: (step: string) => boolean }[] = [
  { key: 'stepQuote', stages: [], done: () => false },
  {
    key: 'stepContract',
    stages: ['opening', 'contract', 'deposit'],
    done: (s) => s.startsWith('contract:') || s.startsWith('payment:deposit'),
  },
  {
    key: 'stepProduction',
    stages: ['kitting', 'preparation', 'line_slot', 'proofing', 'volume_production'],
    done: (s) => s.startsWith('progress'),
  },
  { key: 'stepQc', stages: ['qc'], done: (s) => s.startsWith('lot:') },
  {
    key: 'stepPayment',
    stages: ['payment'],
    done: (s) => s.startsWith('payment:') && !s.startsWith('payment:deposit'),
  },
  { key: 'stepShipped', stages: ['shipment'], done: (s) => s === 'shipment:book' },
  { key: 'stepDelivered', stages: ['delivered'], done: (s) => s === 'shipment:deliver' },
];

export function OrderStepper({ order }: { order: StepperOrder }) {
  const { t, date } = useApp();
  const stage = order.workflow?.stage ?? order.status;
  const current = stage === 'delivered' ? STEPS.length - 1 : STEPS.findIndex((s) => s.stages.includes(stage));
  const decisions = order.workflow?.decisions ?? [];
  const dateOf = (i: number): string | null => {
    if (i === 0) return order.createdAt;
    if (i === STEPS.length - 1)
      return (
        order.shipments.find((s) => s.deliveredAt)?.deliveredAt ??
        decisions.filter((d) => STEPS[i].done(d.step)).pop()?.at ??
        null
      );
    return decisions.filter((d) => STEPS[i].done(d.step)).pop()?.at ?? null;
  };
  return (
    <ol className="stepper" aria-label={t('orderProgress')}>
      {STEPS.map((s, i) => {
        const state =
          stage === 'cancelled'
            ? 'todo'
            : i < current || (stage === 'delivered' && i === current)
              ? 'done'
              : i === current
                ? 'current'
                : 'todo';
        const at = state === 'done' ? dateOf(i) : null;
        return (
          <li key={s.key} className={`step ${state}`} aria-current={state === 'current' ? 'step' : undefined}>
            <span className="dot" aria-hidden="true">
              {state === 'done' ? '✓' : i + 1}
            </span>
            <span className="name">{t(s.key)}</span>
            {at && <span className="date">{date(at)}</span>}
            <span className="sr-only">{t(`stepState_${state}`)}</span>
          </li>
        );
      })}
    </ol>
  );
}
