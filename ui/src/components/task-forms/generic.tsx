/**
 * Any other kind: one control per property of its JSON Schema, labelled and with options in words, and a
 * button per decision. Dates default to the factory's today; carriers are picked from a list.
 */
import { useMemo, useState } from 'react';
import { useApp } from '../../context';
import { buildData, formFields, type FormField, type JsonSchema } from '../../lib/schema-form';
import { CARRIERS } from '../../i18n/floor-lists';
import { Field } from '../common';
import { TaskFormFrame, useCompletion, type FormProps } from './completion';

function GenericInput({ field, value, onChange, props }: { field: FormField; value: string | boolean | undefined; onChange: (v: string | boolean) => void; props: Record<string, unknown> }) {
  const { value: words, lang } = useApp();
  const text = typeof value === 'string' ? value : '';
  if (field.name === 'carrier' && field.input === 'text') {
    return (
      <select {...props} value={text} onChange={(e) => onChange(e.target.value)}>
        <option value="">—</option>
        {Object.entries(CARRIERS).map(([name, w]) => (
          <option key={name} value={name}>
            {w[lang]}
          </option>
        ))}
      </select>
    );
  }
  switch (field.input) {
    case 'boolean':
      return <input {...props} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
    case 'select':
      return (
        <select {...props} value={text} onChange={(e) => onChange(e.target.value)}>
          <option value="">—</option>
          {field.options?.map((o) => (
            <option key={o} value={o}>
              {words(o)}
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

export function GenericTaskForm({ task, kind, onDone }: FormProps) {
  const { t, field: label, today } = useApp();
  const fields = useMemo(() => formFields(kind.dataSchema as JsonSchema), [kind]);
  const [values, setValues] = useState<Record<string, string | boolean>>(() =>
    Object.fromEntries(fields.filter((f) => f.input === 'date' && f.required).map((f) => [f.name, today()])),
  );
  const c = useCompletion(
    task,
    fields.map((f) => f.name),
    onDone,
  );
  return (
    <TaskFormFrame task={task} kind={kind} completion={c} build={() => buildData(fields, values)}>
      <h3>{t('genericForm')}</h3>
      {fields.map((f) => (
        <Field key={f.name} label={`${label(f.name)}${f.required ? ` (${t('required')})` : ''}`} error={c.fieldErrors[f.name]} hint={f.input === 'json' ? t('jsonHint') : undefined}>
          {(p) => <GenericInput field={f} value={values[f.name]} onChange={(v) => setValues({ ...values, [f.name]: v })} props={p} />}
        </Field>
      ))}
    </TaskFormFrame>
  );
}
