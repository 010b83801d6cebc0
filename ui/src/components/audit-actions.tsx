/**
 * The factory audit's two actions outside the inbox, on the customer page: moving an agreed visit (sales, until the
 * result is recorded; the customer is e-mailed the new date) and asking for a re-audit after a failed one (sales
 * manager, from 30 days after the failure). Both go through the customer API, which checks role and dates.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError } from '../api';
import { useApp } from '../context';
import { DateInput, ErrorBanner, Field, Section } from './common';

interface AuditActionsProps {
  customerId: string;
  status: string | null;
  reauditFrom: string | null;
  onDone: () => void;
  /** The audits so far and their corrective actions: one section with the actions, under one heading. */
  children?: ReactNode;
}

export function AuditActions({ customerId, status, reauditFrom, onDone, children }: AuditActionsProps) {
  const { t, user, date } = useApp();
  // Said here, not in the form: once the re-audit is asked for the form is gone, and the word that it went stays.
  const [reauditSent, setReauditSent] = useState(false);
  const role = user?.role ?? '';
  const mayMove = status === 'audit_scheduled' && ['sales', 'sales_manager'].includes(role);
  // Once asked, the form goes at once: the workflow takes the request a moment later, and a second one would be refused.
  const mayReaudit = status === 'rejected' && !reauditSent && ['sales_manager', 'manager'].includes(role);
  if (!mayMove && !mayReaudit && !reauditSent && !children) return null;
  return (
    <Section title={t('factoryAudit')}>
      {children}
      {reauditSent && (
        <p role="status" className="hint">
          {t('reauditSent')}
        </p>
      )}
      {mayMove && <MoveVisitForm customerId={customerId} onDone={onDone} />}
      {mayReaudit && reauditFrom && <p className="hint">{t('reauditFrom', { date: date(reauditFrom) })}</p>}
      {mayReaudit && !reauditFrom && (
        <ReauditForm
          customerId={customerId}
          onDone={() => {
            setReauditSent(true);
            onDone();
          }}
        />
      )}
    </Section>
  );
}

/** Posts a form's body; returns the field the API named when it refused, or shows the error. */
function useSubmit(path: string, onDone: () => void) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const submit = async (body: unknown) => {
    setBusy(true);
    setError(null);
    try {
      await api(path, { body });
      setDone(true);
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  // The message sits under its field's label, so the field's name the API put in front of it is left off.
  const fieldError = (field: string) =>
    error instanceof ApiError && error.field === field ? error.message.replace(/^[\w.[\]]+:\s*/, '') : null;
  const otherError = error instanceof ApiError && error.field ? null : error;
  return { submit, busy, done, fieldError, otherError };
}

function MoveVisitForm({ customerId, onDone }: { customerId: string; onDone: () => void }) {
  const { t, date } = useApp();
  const [visitOn, setVisitOn] = useState('');
  const [reason, setReason] = useState('');
  const [movedTo, setMovedTo] = useState<string | null>(null);
  const { submit, busy, fieldError, otherError } = useSubmit(
    `/api/customers/${customerId}/audit/visit/reschedule`,
    () => {
      setMovedTo(visitOn);
      onDone();
    },
  );
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void submit({ visitOn, reason });
  };
  return (
    <form onSubmit={onSubmit} aria-label={t('moveVisit')}>
      <h3>{t('moveVisit')}</h3>
      <ErrorBanner error={otherError} />
      {movedTo && (
        <p role="status" className="hint">
          {t('visitMoved', { date: date(movedTo) })}
        </p>
      )}
      <Field label={t('newVisitDate')} error={fieldError('visitOn')} hint={t('moveVisitHint')}>
        {(props) => <DateInput {...props} required value={visitOn} onValue={setVisitOn} />}
      </Field>
      <Field label={t('reason')} error={fieldError('reason')}>
        {(props) => <textarea {...props} required value={reason} onChange={(e) => setReason(e.target.value)} />}
      </Field>
      <button type="submit" disabled={busy}>
        {busy ? t('submitting') : t('moveVisit')}
      </button>
    </form>
  );
}

function ReauditForm({ customerId, onDone }: { customerId: string; onDone: () => void }) {
  const { t } = useApp();
  const [reason, setReason] = useState('');
  const { submit, busy, fieldError, otherError } = useSubmit(`/api/customers/${customerId}/audit/reaudit`, onDone);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void submit({ reason });
  };
  return (
    <form onSubmit={onSubmit} aria-label={t('requestReaudit')}>
      <h3>{t('requestReaudit')}</h3>
      <ErrorBanner error={otherError} />
      <Field label={t('reauditReason')} error={fieldError('reason')}>
        {(props) => <textarea {...props} required value={reason} onChange={(e) => setReason(e.target.value)} />}
      </Field>
      <button type="submit" disabled={busy}>
        {busy ? t('submitting') : t('requestReaudit')}
      </button>
    </form>
  );
}
