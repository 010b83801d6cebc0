/** After-sales' site visit: whose fault it is, the evidence (text and uploaded files), and both signatories. */
import { useState } from 'react';
import { upload } from '../../api';
import { useApp } from '../../context';
import { FieldValueError } from '../../lib/schema-form';
import { DateInput, Field, FileInput } from '../common';
import { TaskFormFrame, useCompletion, type FormProps } from './completion';

interface StoredEvidence {
  id: string;
  name: string;
  download: string;
}

/** Uploads chosen evidence files to the RMA as soon as they are picked (`POST /api/rmas/:id/evidence`). */
export function useEvidenceUpload(rmaId: string) {
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

/** The file picker, progress bar and list of stored evidence files. */
export function EvidencePicker({ evidence, label }: { evidence: ReturnType<typeof useEvidenceUpload>; label: string }) {
  const { t } = useApp();
  const [chosen, setChosen] = useState<File[]>([]);
  return (
    <>
      <Field label={label} error={evidence.error}>
        {(p) => (
          <FileInput
            {...p}
            chosen={chosen}
            multiple
            accept="image/*,application/pdf"
            disabled={evidence.uploading}
            onChange={(e) => {
              setChosen([...(e.target.files ?? [])]);
              void evidence.send([...(e.target.files ?? [])]);
            }}
          />
        )}
      </Field>
      {evidence.uploading && (
        <label className="upload-progress">
          {t('uploadProgress')} {Math.round(evidence.progress * 100)}%
          <progress max={1} value={evidence.progress} />
        </label>
      )}
      {evidence.files.length > 0 && (
        <ul>
          {evidence.files.map((f) => (
            <li key={f.id}>
              <a href={f.download} download={f.name}>
                {f.name}
              </a>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function ResponsibilityForm({ task, kind, onDone }: FormProps) {
  const { t, today } = useApp();
  const [visitedOn, setVisitedOn] = useState(today());
  const [responsibility, setResponsibility] = useState('');
  const [evidence, setEvidence] = useState('');
  const evidenceUpload = useEvidenceUpload(task.caseId);
  const [customerSignatory, setCustomerSignatory] = useState('');
  const [factorySignatory, setFactorySignatory] = useState('');
  const c = useCompletion(
    task,
    ['visitedOn', 'responsibility', 'evidence', 'customerSignatory', 'factorySignatory'],
    onDone,
  );
  const build = () => {
    if (!responsibility) throw new FieldValueError('responsibility', t('chooseResponsibility'));
    // The stored files by id and name, so the decision names exactly the evidence it rests on.
    const stored = evidenceUpload.files;
    const files = stored.length ? `\n[files: ${stored.map((f) => `${f.name} (evidence ${f.id})`).join(', ')}]` : '';
    return {
      visitedOn,
      responsibility,
      evidence: `${evidence.trim()}${files}`.trim(),
      customerSignatory: customerSignatory.trim(),
      factorySignatory: factorySignatory.trim(),
    };
  };
  return (
    <TaskFormFrame task={task} kind={kind} completion={c} build={build} busy={evidenceUpload.uploading}>
      <h3>{t('responsibility')}</h3>
      <Field label={t('visitedOn')} error={c.fieldErrors.visitedOn}>
        {(p) => <DateInput {...p} value={visitedOn} max={today()} onValue={setVisitedOn} />}
      </Field>
      <fieldset aria-invalid={!!c.fieldErrors.responsibility}>
        <legend>{t('responsibility')}</legend>
        {(['customer', 'factory', 'shared'] as const).map((r) => (
          <label key={r} className="radio">
            <input
              type="radio"
              name="responsibility"
              value={r}
              checked={responsibility === r}
              onChange={() => setResponsibility(r)}
            />
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
      <EvidencePicker evidence={evidenceUpload} label={t('evidenceFiles')} />
      <div className="row">
        <Field label={t('customerSignatory')} error={c.fieldErrors.customerSignatory}>
          {(p) => <input {...p} value={customerSignatory} onChange={(e) => setCustomerSignatory(e.target.value)} />}
        </Field>
        <Field label={t('factorySignatory')} error={c.fieldErrors.factorySignatory}>
          {(p) => <input {...p} value={factorySignatory} onChange={(e) => setFactorySignatory(e.target.value)} />}
        </Field>
      </div>
    </TaskFormFrame>
  );
}
