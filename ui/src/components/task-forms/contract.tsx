/**
 * The commission agreement: the customer signs it, sales management approves it. Both see what they commit
 * to — the amount, the payment terms (deposit before production, balance before shipment) and the agreement's
 * quote with its PDF — and, for the approval, who signed when.
 */
import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api';
import { useApp } from '../../context';
import { Field, Loading, useLoad } from '../common';
import { TaskFormFrame, useCompletion, type FormProps } from './completion';

interface OrderContract {
  reference: string;
  quoteId: string | null;
  quantity: number;
  totalFen: number;
  currency: string;
  workflow: {
    decisions?: { step: string; decision: string; by: { email: string } | null; at: string; comment?: string }[];
  } | null;
}

export function ContractForm({ task, kind, onDone }: FormProps) {
  const { t, money, dateTime } = useApp();
  const order = useLoad(() => api<OrderContract>(`/api/orders/${task.caseId}`), [task.caseId]);
  const payload = task.payload as { depositFen?: number; totalFen?: number; currency?: string };
  const signing = kind.kind === 'order.contract-signature';
  const [signatoryName, setSignatoryName] = useState('');
  const [comment, setComment] = useState('');
  const c = useCompletion(task, ['signatoryName', 'comment'], onDone);
  const o = order.data;
  const currency = payload.currency ?? o?.currency ?? 'CNY';
  const total = payload.totalFen ?? o?.totalFen;
  const signature = o?.workflow?.decisions?.find((d) => d.step === 'contract:sign' && d.decision === 'sign');
  const build = (decision: string) => ({
    ...(signing && decision === 'sign' ? { signatoryName: signatoryName.trim() } : {}),
    ...(comment.trim() ? { comment: comment.trim() } : {}),
  });
  return (
    <TaskFormFrame task={task} kind={kind} completion={c} build={build}>
      <h3>{t('agreement')}</h3>
      {order.loading && !o && <Loading />}
      {o && (
        <dl className="kv agreement">
          <div>
            <dt>{t('order')}</dt>
            <dd>{o.reference}</dd>
          </div>
          <div>
            <dt>{t('colQuantity')}</dt>
            <dd>
              {o.quantity.toLocaleString()} {t('pcs')}
            </dd>
          </div>
          <div>
            <dt>{t('contractAmount')}</dt>
            <dd>
              <strong>{money(total, currency)}</strong>
            </dd>
          </div>
          {payload.depositFen !== undefined && (
            <div>
              <dt>{t('contractTerms')}</dt>
              <dd>
                {payload.depositFen > 0
                  ? t('termsDeposit', {
                      deposit: money(payload.depositFen, currency),
                      balance: money((total ?? 0) - payload.depositFen, currency),
                    })
                  : t('termsNoDeposit')}
              </dd>
            </div>
          )}
          {o.quoteId && (
            <div>
              <dt>{t('agreementDocs')}</dt>
              <dd>
                <Link to={`/quotes/${o.quoteId}`}>{t('quote')}</Link> ·{' '}
                <a href={`/api/quotes/${o.quoteId}/pdf`}>{t('quotePdf')}</a>
              </dd>
            </div>
          )}
          {!signing && (
            <div>
              <dt>{t('signedBy')}</dt>
              <dd>
                {signature
                  ? `${signature.comment ?? ''} ${signature.by?.email ?? ''} · ${dateTime(signature.at)}`.trim()
                  : '—'}
              </dd>
            </div>
          )}
        </dl>
      )}
      {signing && (
        <Field label={t('signatoryName')} error={c.fieldErrors.signatoryName}>
          {(p) => (
            <input
              {...p}
              autoComplete="name"
              value={signatoryName}
              onChange={(e) => setSignatoryName(e.target.value)}
            />
          )}
        </Field>
      )}
      <Field label={t('comment')} error={c.fieldErrors.comment}>
        {(p) => (
          <textarea {...p} rows={2} value={comment} maxLength={2000} onChange={(e) => setComment(e.target.value)} />
        )}
      </Field>
    </TaskFormFrame>
  );
}
