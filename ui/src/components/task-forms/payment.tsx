/** Finance records a payment: amount (prefilled with what is outstanding), currency, bank reference, the factory's today. */
import { useState } from 'react';
import { useApp } from '../../context';
import { parseAmountToFen } from '../../lib/money';
import { FieldValueError } from '../../lib/schema-form';
import { DateInput, Field } from '../common';
import { TaskFormFrame, useCompletion, type FormProps } from './completion';

export function PaymentForm({ task, kind, onDone }: FormProps) {
  const { t, today, money } = useApp();
  const payload = task.payload as {
    outstandingFen?: number;
    balanceFen?: number;
    amountFen?: number;
    currency?: string;
  };
  const expected = payload.outstandingFen ?? payload.balanceFen ?? payload.amountFen;
  const [amount, setAmount] = useState(expected ? (expected / 100).toFixed(2) : '');
  const [currency, setCurrency] = useState(payload.currency ?? 'CNY');
  const [reference, setReference] = useState('');
  const [receivedOn, setReceivedOn] = useState(today());
  const c = useCompletion(task, ['amountFen', 'currency', 'reference', 'receivedOn'], onDone);
  const build = () => {
    const minor = parseAmountToFen(amount);
    if (minor === null) throw new FieldValueError('amountFen', t('mustBeAmount'));
    return {
      amountFen: minor,
      currency: currency.trim().toUpperCase(),
      reference: reference.trim(),
      ...(receivedOn ? { receivedOn } : {}),
    };
  };
  const typed = parseAmountToFen(amount);
  return (
    <TaskFormFrame task={task} kind={kind} completion={c} build={build}>
      <h3>{t('payment')}</h3>
      {expected !== undefined && <p>{t('outstandingAmount', { amount: money(expected, currency) })}</p>}
      <div className="row">
        <Field
          label={t('amountYuan')}
          error={c.fieldErrors.amountFen}
          hint={typed !== null ? money(typed, currency) : undefined}
        >
          {(p) => (
            <input
              {...p}
              className="money"
              inputMode="decimal"
              value={amount}
              onChange={(e) => setAmount(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('currency')} error={c.fieldErrors.currency}>
          {(p) => (
            <select {...p} value={currency} onChange={(e) => setCurrency(e.target.value)}>
              <option value="CNY">{t('currencyCny')}</option>
              <option value="USD">{t('currencyUsd')}</option>
            </select>
          )}
        </Field>
      </div>
      <div className="row">
        <Field label={t('reference')} error={c.fieldErrors.reference}>
          {(p) => <input {...p} value={reference} onChange={(e) => setReference(e.target.value)} />}
        </Field>
        <Field label={t('receivedOn')} error={c.fieldErrors.receivedOn}>
          {(p) => <DateInput {...p} value={receivedOn} max={today()} onValue={setReceivedOn} />}
        </Field>
      </div>
    </TaskFormFrame>
  );
}
