/**
 * What every task form shares: completing the task (`POST /api/tasks/:id/complete`) with the API's validation
 * message placed next to the field it names, and the decision buttons. The first affirmative decision is the
 * form's submit button (Enter submits it); a rejecting decision asks for a reason and a second click.
 */
import { useState, type ReactNode } from 'react';
import { api, ApiError, type Task, type TaskKind } from '../../api';
import { useApp } from '../../context';
import { FieldValueError, fieldOfError, type JsonSchema } from '../../lib/schema-form';
import { ErrorBanner, Field } from '../common';

export interface FormProps {
  task: Task;
  kind: TaskKind;
  onDone: (task: Task) => void;
}

export type FieldErrors = Record<string, string>;

/** Decisions that turn something down: they need a reason and a confirmation. */
const REFUSALS = new Set(['reject', 'decline', 'require_payment', 'request_files', 'fail', 'cancel']);

export function isRefusal(decision: string): boolean {
  return REFUSALS.has(decision);
}

/** The data field a refusal's reason goes in, when the kind has one. */
export function reasonFieldOf(kind: TaskKind): string | null {
  const props = (kind.dataSchema as JsonSchema).properties ?? {};
  return ['comment', 'reason', 'note'].find((p) => p in props) ?? null;
}

/** Submits a completion and sorts API errors into field errors and a banner. */
export function useCompletion(task: Task, fieldNames: string[], onDone: (t: Task) => void) {
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const complete = async (decision: string, build: () => Record<string, unknown>) => {
    setFieldErrors({});
    setError(null);
    // Let the cleared errors render first, so a repeated message shows again next to an edited field.
    await new Promise((resolve) => setTimeout(resolve, 0));
    let data: Record<string, unknown>;
    try {
      data = build();
    } catch (e) {
      if (e instanceof FieldValueError) setFieldErrors({ [e.field]: e.message });
      else setError(e);
      return;
    }
    setBusy(true);
    try {
      const done = await api<Task>(`/api/tasks/${task.id}/complete`, { body: { decision, data } });
      onDone(done);
    } catch (e) {
      if (e instanceof ApiError && e.status === 400) {
        const field = fieldOfError(e, [...fieldNames, 'decision']);
        if (field) {
          setFieldErrors({ [field]: e.message.replace(/^[\w.[\]]+:\s*/, '') });
          return;
        }
      }
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return { fieldErrors, error, busy, complete, setFieldErrors };
}

/**
 * A task form: the fields, the banner, and the decisions. `build` makes the data for a decision; a refusal's
 * reason is added under the kind's comment / reason / note field.
 */
export function TaskFormFrame({
  task,
  kind,
  completion,
  build,
  busy,
  children,
}: {
  task: Task;
  kind: TaskKind;
  completion: ReturnType<typeof useCompletion>;
  build: (decision: string) => Record<string, unknown>;
  busy?: boolean;
  children: ReactNode;
}) {
  const { t, decision: words, taskTitle } = useApp();
  const [refusing, setRefusing] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const reasonField = reasonFieldOf(kind);
  const primary = kind.decisions.find((d) => !isRefusal(d)) ?? kind.decisions[0];
  const disabled = completion.busy || !!busy;
  const decide = (d: string) => {
    if (isRefusal(d) && refusing !== d) {
      setRefusing(d);
      setReasonError(null);
      return;
    }
    void completion.complete(d, () => build(d));
  };
  const confirmRefusal = () => {
    if (!refusing) return;
    if (reasonField && !reason.trim()) {
      setReasonError(t('reasonRequired'));
      return;
    }
    const d = refusing;
    void completion.complete(d, () => {
      const data = build(d);
      if (reasonField && reason.trim()) {
        const before = typeof data[reasonField] === 'string' ? `${String(data[reasonField])}\n` : '';
        data[reasonField] = `${before}${reason.trim()}`.trim();
      }
      return data;
    });
  };
  const banner =
    completion.error ?? (completion.fieldErrors.decision ? new Error(completion.fieldErrors.decision) : null);
  return (
    <form
      aria-label={taskTitle(task)}
      onSubmit={(e) => {
        e.preventDefault();
        if (!disabled && !refusing) decide(primary);
      }}
    >
      {children}
      <ErrorBanner error={banner} />
      {refusing ? (
        <div className="confirm card" role="group" aria-label={t('confirmRefusal', { decision: words(refusing) })}>
          <p>
            <strong>{t('confirmRefusal', { decision: words(refusing) })}</strong>
          </p>
          {reasonField && (
            <Field
              label={`${t('reason')}${t('requiredMark')}`}
              error={reasonError ?? completion.fieldErrors[reasonField]}
            >
              {(p) => (
                <textarea {...p} rows={2} value={reason} maxLength={2000} onChange={(e) => setReason(e.target.value)} />
              )}
            </Field>
          )}
          <div className="actions">
            <button type="button" className="danger" disabled={disabled} onClick={confirmRefusal}>
              {disabled ? t('submitting') : t('confirmDecision', { decision: words(refusing) })}
            </button>
            <button type="button" disabled={disabled} onClick={() => setRefusing(null)}>
              {t('back')}
            </button>
          </div>
        </div>
      ) : (
        <div className="actions" role="group" aria-label={t('decision')}>
          {kind.decisions.map((d) => (
            <button
              key={d}
              type={d === primary ? 'submit' : 'button'}
              className={isRefusal(d) ? 'danger' : 'primary'}
              disabled={disabled}
              onClick={d === primary ? undefined : () => decide(d)}
            >
              {disabled ? t('submitting') : words(d)}
            </button>
          ))}
        </div>
      )}
    </form>
  );
}
