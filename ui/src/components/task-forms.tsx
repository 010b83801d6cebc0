/**
 * The form of a task, chosen by its kind: approvals, the engineer's price review, inspection results, payments,
 * the RMA responsibility decision, and a generic form built from the kind's JSON Schema for everything else.
 * Every form completes the task through `POST /api/tasks/:id/complete` and shows the API's validation message
 * next to the field it names.
 */
import { useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, upload, type Task, type TaskKind } from '../api';
import { useApp } from '../context';
import { buildData, FieldValueError, fieldOfError, formFields, type FormField, type JsonSchema } from '../lib/schema-form';
import { formatMinor, parseAmountToMinor } from '../lib/money';
import { ErrorBanner, Field, humanize, useLoad } from './common';

type FieldErrors = Record<string, string>;

/** Submits a completion and sorts API errors into field errors and a banner. */
function useCompletion(task: Task, fieldNames: string[], onDone: (t: Task) => void) {
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

function DecisionButtons({ decisions, busy, onDecide }: { decisions: string[]; busy: boolean; onDecide: (d: string) => void }) {
  const { t } = useApp();
  const label = (d: string) => (d === 'approve' ? t('approve') : d === 'reject' ? t('reject') : humanize(d));
  return (
    <div className="actions" role="group" aria-label={t('decision')}>
      {decisions.map((d) => (
        <button key={d} type="button" className={d === 'reject' || d === 'decline' ? 'danger' : 'primary'} disabled={busy} onClick={() => onDecide(d)}>
          {busy ? t('submitting') : label(d)}
        </button>
      ))}
    </div>
  );
}

/** Approve / reject with an optional comment (any kind whose data is only a comment). */
export function ApprovalForm({ task, kind, onDone }: FormProps) {
  const { t } = useApp();
  const [comment, setComment] = useState('');
  const c = useCompletion(task, ['comment'], onDone);
  return (
    <form onSubmit={(e) => e.preventDefault()} aria-label={task.title}>
      <Field label={t('comment')} error={c.fieldErrors.comment}>
        {(p) => <textarea {...p} value={comment} maxLength={2000} onChange={(e) => setComment(e.target.value)} rows={3} />}
      </Field>
      <ErrorBanner error={c.error ?? (c.fieldErrors.decision ? new Error(c.fieldErrors.decision) : null)} />
      <DecisionButtons decisions={kind.decisions} busy={c.busy} onDecide={(d) => void c.complete(d, () => (comment.trim() ? { comment: comment.trim() } : {}))} />
    </form>
  );
}

interface LineItem {
  category: string;
  code: string;
  description: string;
  quantity: number;
  unit: string;
  unitPriceFen: number;
  totalFen: number;
}

interface QuoteDetail {
  id: string;
  reference: string;
  currency: string;
  revision: number;
  revisions: { revision: number; price: { currency: string; lineItems: LineItem[]; totalMinor: number; reviewReasons: string[] } | null }[];
}

/** The engineer's review: the price's line items with editable unit prices; changed lines go as adjustments. */
export function PriceReviewForm({ task, kind, onDone }: FormProps) {
  const { t, lang } = useApp();
  const quote = useLoad(() => api<QuoteDetail>(`/api/quotes/${task.caseId}`), [task.caseId]);
  const [prices, setPrices] = useState<Record<string, string>>({});
  const [comment, setComment] = useState('');
  const c = useCompletion(task, ['comment', 'adjustments'], onDone);
  const revision = quote.data?.revisions.find((r) => r.revision === quote.data?.revision) ?? quote.data?.revisions[quote.data.revisions.length - 1];
  const lines = revision?.price?.lineItems ?? [];
  const currency = revision?.price?.currency ?? quote.data?.currency ?? 'CNY';
  const build = () => {
    const adjustments = [];
    for (const line of lines) {
      const typed = prices[line.code];
      if (typed === undefined || typed.trim() === '') continue;
      const minor = parseAmountToMinor(typed);
      if (minor === null) throw new FieldValueError(`price-${line.code}`, 'must be an amount such as 12.50');
      if (minor !== line.unitPriceFen) adjustments.push({ code: line.code, unitPriceMinor: minor });
    }
    const data: Record<string, unknown> = {};
    if (comment.trim()) data.comment = comment.trim();
    if (adjustments.length) data.adjustments = adjustments;
    return data;
  };
  return (
    <form onSubmit={(e) => e.preventDefault()} aria-label={task.title}>
      <h3>{t('priceReview')}</h3>
      {quote.error && <ErrorBanner error={quote.error} />}
      {revision?.price?.reviewReasons?.length ? (
        <div className="banner warning">
          <strong>{t('reviewReasons')}:</strong>
          <ul>
            {revision.price.reviewReasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {lines.length > 0 && (
        <table className="data">
          <thead>
            <tr>
              <th scope="col">{t('lineCode')}</th>
              <th scope="col">{t('lineDescription')}</th>
              <th scope="col">{t('lineQuantity')}</th>
              <th scope="col">{t('unitPrice', { currency })}</th>
              <th scope="col">{t('lineTotal')}</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((line) => (
              <tr key={line.code}>
                <td>
                  <code>{line.code}</code>
                </td>
                <td>{line.description}</td>
                <td>
                  {line.quantity} {line.unit}
                </td>
                <td>
                  <Field label={`${t('unitPrice', { currency })} ${line.code}`} error={c.fieldErrors[`price-${line.code}`]}>
                    {(p) => (
                      <input
                        {...p}
                        className="money"
                        inputMode="decimal"
                        value={prices[line.code] ?? (line.unitPriceFen / 100).toFixed(2)}
                        onChange={(e) => setPrices({ ...prices, [line.code]: e.target.value })}
                      />
                    )}
                  </Field>
                </td>
                <td>{formatMinor(line.totalFen, currency, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {c.fieldErrors.adjustments && (
        <p className="field-error" role="alert">
          {c.fieldErrors.adjustments}
        </p>
      )}
      <Field label={t('comment')} error={c.fieldErrors.comment}>
        {(p) => <textarea {...p} value={comment} maxLength={2000} rows={3} onChange={(e) => setComment(e.target.value)} />}
      </Field>
      <ErrorBanner error={c.error} />
      <DecisionButtons decisions={kind.decisions} busy={c.busy} onDecide={(d) => void c.complete(d, build)} />
    </form>
  );
}

interface DefectRow {
  code: string;
  designator: string;
  description: string;
}
interface UnitRow {
  serial: string;
  defects: DefectRow[];
}

/** QA's inspection round: units passed, and each failed unit with defect codes and designators. */
export function InspectionForm({ task, kind, onDone }: FormProps) {
  const { t } = useApp();
  const payload = task.payload as { lotIndex?: number; inspectionKind?: string; kind?: string };
  const [lotIndex, setLotIndex] = useState(String(payload.lotIndex ?? 1));
  const [inspectionKind, setInspectionKind] = useState(payload.inspectionKind ?? 'aoi');
  const [passed, setPassed] = useState('');
  const [units, setUnits] = useState<UnitRow[]>([]);
  const c = useCompletion(task, ['lotIndex', 'kind', 'passedCount', 'failedUnits'], onDone);
  const update = (i: number, patch: Partial<UnitRow>) => setUnits(units.map((u, j) => (j === i ? { ...u, ...patch } : u)));
  const updateDefect = (i: number, d: number, patch: Partial<DefectRow>) =>
    update(i, { defects: units[i].defects.map((x, k) => (k === d ? { ...x, ...patch } : x)) });
  const build = () => {
    const whole = (name: string, v: string) => {
      if (!/^\d+$/.test(v.trim())) throw new FieldValueError(name, 'must be a whole number');
      return Number(v);
    };
    return {
      lotIndex: whole('lotIndex', lotIndex),
      kind: inspectionKind,
      passedCount: whole('passedCount', passed),
      failedUnits: units.map((u) => ({
        serial: u.serial.trim(),
        defects: u.defects.map((d) => ({ code: d.code.trim(), ...(d.designator.trim() ? { designator: d.designator.trim() } : {}), ...(d.description.trim() ? { description: d.description.trim() } : {}) })),
      })),
    };
  };
  return (
    <form onSubmit={(e) => e.preventDefault()} aria-label={task.title}>
      <h3>{t('inspection')}</h3>
      <div className="row">
        <Field label={t('lotIndex')} error={c.fieldErrors.lotIndex}>
          {(p) => <input {...p} inputMode="numeric" value={lotIndex} onChange={(e) => setLotIndex(e.target.value)} />}
        </Field>
        <Field label={t('inspectionKind')} error={c.fieldErrors.kind}>
          {(p) => (
            <select {...p} value={inspectionKind} onChange={(e) => setInspectionKind(e.target.value)}>
              {['aoi', 'xray', 'functional', 'visual'].map((k) => (
                <option key={k} value={k}>
                  {k === 'aoi' ? 'AOI' : k === 'xray' ? 'X-ray' : humanize(k)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('passedCount')} error={c.fieldErrors.passedCount}>
          {(p) => <input {...p} inputMode="numeric" value={passed} onChange={(e) => setPassed(e.target.value)} />}
        </Field>
      </div>
      <fieldset>
        <legend>{t('failedUnits')}</legend>
        {c.fieldErrors.failedUnits && (
          <p className="field-error" role="alert">
            {c.fieldErrors.failedUnits}
          </p>
        )}
        {units.map((u, i) => (
          <div className="unit" key={i}>
            <Field label={`${t('serial')} ${i + 1}`}>{(p) => <input {...p} value={u.serial} onChange={(e) => update(i, { serial: e.target.value })} />}</Field>
            {u.defects.map((d, k) => (
              <div className="row" key={k}>
                <Field label={`${t('defectCode')} ${i + 1}.${k + 1}`}>{(p) => <input {...p} value={d.code} onChange={(e) => updateDefect(i, k, { code: e.target.value })} />}</Field>
                <Field label={`${t('designator')} ${i + 1}.${k + 1}`}>{(p) => <input {...p} value={d.designator} onChange={(e) => updateDefect(i, k, { designator: e.target.value })} />}</Field>
                <Field label={`${t('defectDescription')} ${i + 1}.${k + 1}`}>{(p) => <input {...p} value={d.description} onChange={(e) => updateDefect(i, k, { description: e.target.value })} />}</Field>
              </div>
            ))}
            <div className="actions">
              <button type="button" onClick={() => update(i, { defects: [...u.defects, { code: '', designator: '', description: '' }] })}>
                {t('addDefect')}
              </button>
              <button type="button" className="danger" onClick={() => setUnits(units.filter((_, j) => j !== i))}>
                {t('removeUnit')}
              </button>
            </div>
          </div>
        ))}
        <button type="button" onClick={() => setUnits([...units, { serial: '', defects: [{ code: '', designator: '', description: '' }] }])}>
          {t('addFailedUnit')}
        </button>
      </fieldset>
      <ErrorBanner error={c.error} />
      <DecisionButtons decisions={kind.decisions} busy={c.busy} onDecide={(d) => void c.complete(d, build)} />
    </form>
  );
}

/** Finance records a payment: amount, currency, bank reference, date. */
export function PaymentForm({ task, kind, onDone }: FormProps) {
  const { t } = useApp();
  const payload = task.payload as { outstandingMinor?: number; balanceMinor?: number; amountMinor?: number; currency?: string };
  const expected = payload.outstandingMinor ?? payload.balanceMinor ?? payload.amountMinor;
  const [amount, setAmount] = useState(expected ? (expected / 100).toFixed(2) : '');
  const [currency, setCurrency] = useState(payload.currency ?? 'CNY');
  const [reference, setReference] = useState('');
  const [receivedOn, setReceivedOn] = useState(new Date().toISOString().slice(0, 10));
  const c = useCompletion(task, ['amountMinor', 'currency', 'reference', 'receivedOn'], onDone);
  const build = () => {
    const minor = parseAmountToMinor(amount);
    if (minor === null) throw new FieldValueError('amountMinor', 'must be an amount such as 1200.00');
    return { amountMinor: minor, currency: currency.trim().toUpperCase(), reference: reference.trim(), ...(receivedOn ? { receivedOn } : {}) };
  };
  return (
    <form onSubmit={(e) => e.preventDefault()} aria-label={task.title}>
      <h3>{t('payment')}</h3>
      <div className="row">
        <Field label={t('amount')} error={c.fieldErrors.amountMinor}>
          {(p) => <input {...p} className="money" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />}
        </Field>
        <Field label={t('currency')} error={c.fieldErrors.currency}>
          {(p) => <input {...p} value={currency} maxLength={3} onChange={(e) => setCurrency(e.target.value)} />}
        </Field>
      </div>
      <div className="row">
        <Field label={t('reference')} error={c.fieldErrors.reference}>
          {(p) => <input {...p} value={reference} onChange={(e) => setReference(e.target.value)} />}
        </Field>
        <Field label={t('receivedOn')} error={c.fieldErrors.receivedOn}>
          {(p) => <input {...p} type="date" value={receivedOn} onChange={(e) => setReceivedOn(e.target.value)} />}
        </Field>
      </div>
      <ErrorBanner error={c.error} />
      <DecisionButtons decisions={kind.decisions} busy={c.busy} onDecide={(d) => void c.complete(d, build)} />
    </form>
  );
}

interface StoredEvidence {
  id: string;
  name: string;
  download: string;
}

/** Uploads chosen evidence files to the RMA as soon as they are picked (`POST /api/rmas/:id/evidence`). */
function useEvidenceUpload(rmaId: string) {
  const [files, setFiles] = useState<StoredEvidence[]>([]);
  const [progress, setProgress] = useState(0);
  const [uploading, setUploading] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const send = async (chosen: File[]) => {
    setError(undefined);
    if (chosen.length === 0) return;
    const form = new FormData();
    for (const f of chosen) form.append('file', f, f.name);
    setUploading(true);
    setProgress(0);
    try {
      const answer = await upload<{ evidence: StoredEvidence[] }>(`/api/rmas/${rmaId}/evidence`, form, setProgress);
      setFiles((before) => [...before, ...answer.evidence]);
    } catch (e) {
      setError(e instanceof Error ? e.message.replace(/^file:\s*/, '') : String(e));
    } finally {
      setUploading(false);
    }
  };
  return { files, progress, uploading, error, send };
}

/** After-sales' site visit: whose fault it is, the evidence, and both signatories. */
export function ResponsibilityForm({ task, kind, onDone }: FormProps) {
  const { t } = useApp();
  const [visitedOn, setVisitedOn] = useState(new Date().toISOString().slice(0, 10));
  const [responsibility, setResponsibility] = useState('');
  const [evidence, setEvidence] = useState('');
  const evidenceUpload = useEvidenceUpload(task.caseId);
  const [customerSignatory, setCustomerSignatory] = useState('');
  const [factorySignatory, setFactorySignatory] = useState('');
  const c = useCompletion(task, ['visitedOn', 'responsibility', 'evidence', 'customerSignatory', 'factorySignatory'], onDone);
  const build = () => {
    if (!responsibility) throw new FieldValueError('responsibility', 'choose whose fault it is');
    // The stored files by id and name, so the decision names exactly the evidence it rests on.
    const stored = evidenceUpload.files;
    const files = stored.length ? `\n[files: ${stored.map((f) => `${f.name} (evidence ${f.id})`).join(', ')}]` : '';
    return { visitedOn, responsibility, evidence: `${evidence.trim()}${files}`.trim(), customerSignatory: customerSignatory.trim(), factorySignatory: factorySignatory.trim() };
  };
  return (
    <form onSubmit={(e) => e.preventDefault()} aria-label={task.title}>
      <h3>{t('responsibility')}</h3>
      <Field label={t('visitedOn')} error={c.fieldErrors.visitedOn}>
        {(p) => <input {...p} type="date" value={visitedOn} onChange={(e) => setVisitedOn(e.target.value)} />}
      </Field>
      <fieldset aria-invalid={!!c.fieldErrors.responsibility}>
        <legend>{t('responsibility')}</legend>
        {(['customer', 'factory', 'shared'] as const).map((r) => (
          <label key={r} className="radio">
            <input type="radio" name="responsibility" value={r} checked={responsibility === r} onChange={() => setResponsibility(r)} />
            {t(r === 'customer' ? 'respCustomer' : r === 'factory' ? 'respFactory' : 'respShared')}
          </label>
        ))}
        {c.fieldErrors.responsibility && (
          <small className="field-error" role="alert">
            {c.fieldErrors.responsibility}
          </small>
        )}
      </fieldset>
      <Field label={t('evidence')} error={c.fieldErrors.evidence}>
        {(p) => <textarea {...p} rows={3} value={evidence} onChange={(e) => setEvidence(e.target.value)} />}
      </Field>
      <Field label={t('evidenceFiles')} error={evidenceUpload.error}>
        {(p) => <input {...p} type="file" multiple disabled={evidenceUpload.uploading} onChange={(e) => void evidenceUpload.send([...(e.target.files ?? [])])} />}
      </Field>
      {evidenceUpload.uploading && (
        <label className="upload-progress">
          {t('uploadProgress')} {Math.round(evidenceUpload.progress * 100)}%
          <progress max={1} value={evidenceUpload.progress} />
        </label>
      )}
      {evidenceUpload.files.length > 0 && (
        <ul>
          {evidenceUpload.files.map((f) => (
            <li key={f.id}>
              <a href={f.download} download={f.name}>
                {f.name}
              </a>
            </li>
          ))}
        </ul>
      )}
      <div className="row">
        <Field label={t('customerSignatory')} error={c.fieldErrors.customerSignatory}>
          {(p) => <input {...p} value={customerSignatory} onChange={(e) => setCustomerSignatory(e.target.value)} />}
        </Field>
        <Field label={t('factorySignatory')} error={c.fieldErrors.factorySignatory}>
          {(p) => <input {...p} value={factorySignatory} onChange={(e) => setFactorySignatory(e.target.value)} />}
        </Field>
      </div>
      <ErrorBanner error={c.error} />
      <DecisionButtons decisions={kind.decisions} busy={c.busy || evidenceUpload.uploading} onDecide={(d) => void c.complete(d, build)} />
    </form>
  );
}

function GenericInput({ field, value, onChange, props }: { field: FormField; value: string | boolean | undefined; onChange: (v: string | boolean) => void; props: Record<string, unknown> }) {
  const text = typeof value === 'string' ? value : '';
  switch (field.input) {
    case 'boolean':
      return <input {...props} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
    case 'select':
      return (
        <select {...props} value={text} onChange={(e) => onChange(e.target.value)}>
          <option value="">—</option>
          {field.options?.map((o) => (
            <option key={o} value={o}>
              {humanize(o)}
            </option>
          ))}
        </select>
      );
    case 'textarea':
    case 'json':
      return <textarea {...props} rows={field.input === 'json' ? 4 : 3} value={text} onChange={(e) => onChange(e.target.value)} />;
    case 'date':
      return <input {...props} type="date" value={text} onChange={(e) => onChange(e.target.value)} />;
    case 'datetime':
      return <input {...props} type="datetime-local" value={text} onChange={(e) => onChange(e.target.value)} />;
    case 'integer':
    case 'number':
      return <input {...props} inputMode={field.input === 'integer' ? 'numeric' : 'decimal'} value={text} onChange={(e) => onChange(e.target.value)} />;
    default:
      return <input {...props} value={text} maxLength={field.maxLength} onChange={(e) => onChange(e.target.value)} />;
  }
}

/** Any other kind: one control per property of its JSON Schema, and a button per decision. */
export function GenericTaskForm({ task, kind, onDone }: FormProps) {
  const { t } = useApp();
  const fields = useMemo(() => formFields(kind.dataSchema as JsonSchema), [kind]);
  const [values, setValues] = useState<Record<string, string | boolean>>({});
  const c = useCompletion(
    task,
    fields.map((f) => f.name),
    onDone,
  );
  return (
    <form onSubmit={(e) => e.preventDefault()} aria-label={task.title}>
      <h3>{t('genericForm')}</h3>
      {fields.map((f) => (
        <Field
          key={f.name}
          label={`${humanize(f.name)}${f.required ? ` (${t('required')})` : ''}`}
          error={c.fieldErrors[f.name]}
          hint={f.input === 'json' ? `${t('jsonHint')}${f.description ? ` — ${f.description}` : ''}` : f.description}
        >
          {(p) => <GenericInput field={f} value={values[f.name]} onChange={(v) => setValues({ ...values, [f.name]: v })} props={p} />}
        </Field>
      ))}
      <ErrorBanner error={c.error ?? (c.fieldErrors.decision ? new Error(c.fieldErrors.decision) : null)} />
      <DecisionButtons decisions={kind.decisions} busy={c.busy} onDecide={(d) => void c.complete(d, () => buildData(fields, values))} />
    </form>
  );
}

interface FormProps {
  task: Task;
  kind: TaskKind;
  onDone: (task: Task) => void;
}

/** True when a kind's data is at most an optional comment: an approval. */
function isApprovalLike(kind: TaskKind): boolean {
  const props = Object.keys((kind.dataSchema as JsonSchema).properties ?? {});
  return props.every((p) => p === 'comment') && kind.decisions.length <= 3;
}

/** The form for a task's kind. */
export function TaskForm(props: FormProps): ReactNode {
  const k = props.kind.kind;
  if (k === 'quote-engineering-review') return <PriceReviewForm {...props} />;
  if (k === 'order.inspection') return <InspectionForm {...props} />;
  if (k === 'order.payment') return <PaymentForm {...props} />;
  if (k === 'rma.site-visit') return <ResponsibilityForm {...props} />;
  if (isApprovalLike(props.kind)) return <ApprovalForm {...props} />;
  return <GenericTaskForm {...props} />;
}

