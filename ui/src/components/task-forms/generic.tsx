/**
 * Any other kind: one control per property of its JSON Schema, labelled and with options in words, and a
 * button per decision. Dates default to the factory's today; carriers are picked from a list; a list of
 * records (units, corrective actions, materials) is a table of rows to add and remove, one labelled control
 * per cell.
 */
import { useMemo, useState } from 'react';
import { useApp } from '../../context';
import type { StringKey } from '../../strings';
import {
  buildData,
  cellKey,
  emptyRow,
  FieldValueError,
  formFields,
  type FormField,
  type JsonSchema,
  type RawRow,
  type RawValue,
} from '../../lib/schema-form';
import { CARRIERS } from '../../i18n/floor-lists';
import { nowInputIn } from '../../lib/format';
import { parseAmountToFen } from '../../lib/money';
import { DateInput, Field } from '../common';
import { TaskFormFrame, useCompletion, type FormProps } from './completion';

/** The messages `buildData` gives, in the reader's language. */
const VALUE_ERRORS: Record<string, StringKey> = {
  'must be a whole number': 'mustBeWhole',
  'must be a number': 'mustBeNumber',
  'must be an amount': 'mustBeAmount',
  'must be a date and time': 'mustBeDateTime',
  'must be valid JSON': 'mustBeJson',
  'must be one value': 'mustBeJson',
};

function GenericInput({
  field,
  value,
  onChange,
  props,
}: {
  field: FormField;
  value: RawValue;
  onChange: (v: string | boolean) => void;
  props: Record<string, unknown>;
}) {
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
      return (
        <textarea
          {...props}
          rows={field.input === 'json' ? 4 : 3}
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    case 'date':
      return <DateInput {...props} value={text} onValue={onChange} />;
    case 'datetime':
      return <DateInput {...props} withTime value={text} onValue={onChange} />;
    case 'integer':
    case 'number':
    case 'money':
      return (
        <input
          {...props}
          inputMode={field.input === 'integer' ? 'numeric' : 'decimal'}
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    default:
      return <input {...props} value={text} maxLength={field.maxLength} onChange={(e) => onChange(e.target.value)} />;
  }
}

/** A list of records as rows: a labelled control per cell ("Serial number 2"), a button to remove each row, one to add. */
function RowsInput({
  field,
  rows,
  onChange,
  errors,
}: {
  field: FormField;
  rows: RawRow[];
  onChange: (rows: RawRow[]) => void;
  errors: Record<string, string>;
}) {
  const { t, field: label } = useApp();
  const columns = field.columns ?? [];
  const update = (i: number, column: string, v: string | boolean) =>
    onChange(rows.map((r, j) => (j === i ? { ...r, [column]: v } : r)));
  const full = field.maxItems !== undefined && rows.length >= field.maxItems;
  return (
    <fieldset className="rows">
      <legend>
        {label(field.name)}
        {field.required ? t('requiredMark') : ''}
      </legend>
      {rows.length === 0 ? (
        <p className="empty">{t('noRows')}</p>
      ) : (
        <table className="data cards">
          <thead>
            <tr>
              <th scope="col">{t('rowNumber')}</th>
              {columns.map((col) => (
                <th key={col.name} scope="col">
                  {label(col.name)}
                </th>
              ))}
              <th scope="col">
                <span className="sr-only">{t('removeRow', { n: '' })}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <tr key={i}>
                <td data-label={t('rowNumber')} className="num">
                  {i + 1}
                </td>
                {columns.map((col) => (
                  <td key={col.name} data-label={label(col.name)}>
                    <Field
                      label={`${label(col.name)} ${i + 1}${col.required ? '' : ` (${t('optional')})`}`}
                      error={errors[cellKey(field.name, i, col.name)]}
                    >
                      {(p) => (
                        <GenericInput
                          field={col}
                          value={row[col.name]}
                          onChange={(v) => update(i, col.name, v)}
                          props={p}
                        />
                      )}
                    </Field>
                  </td>
                ))}
                <td>
                  <button type="button" className="danger" onClick={() => onChange(rows.filter((_, j) => j !== i))}>
                    {t('removeRow', { n: i + 1 })}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <button type="button" disabled={full} onClick={() => onChange([...rows, emptyRow(field)])}>
        {t('addRow')}
        {t('colon')}
        {label(field.name)}
      </button>
    </fieldset>
  );
}

export function GenericTaskForm({ task, kind, onDone }: FormProps) {
  const { t, field: label, today, zone, money } = useApp();
  const currency = typeof task.payload.currency === 'string' ? task.payload.currency : undefined;
  // What a typed amount is, in the money's own words ("¥50.00" / "50.00 元"), beside the field.
  const amountHint = (value: RawValue) => {
    const fen = typeof value === 'string' ? parseAmountToFen(value) : null;
    return fen === null ? undefined : money(fen, currency);
  };
  const fields = useMemo(() => formFields(kind.dataSchema as JsonSchema), [kind]);
  // Required dates start at the factory's today, required moments at its clock now.
  const [values, setValues] = useState<Record<string, RawValue>>(() =>
    Object.fromEntries(
      fields
        .filter((f) => f.required && (f.input === 'date' || f.input === 'datetime'))
        .map((f) => [f.name, f.input === 'date' ? today() : nowInputIn(zone)]),
    ),
  );
  // An API error about one cell ("data.units.1.serial") lands next to that cell; about the list, under the table.
  const cellKeys = fields.flatMap((f) =>
    f.input === 'rows'
      ? ((values[f.name] as RawRow[] | undefined) ?? []).flatMap((_, i) =>
          (f.columns ?? []).map((col) => cellKey(f.name, i, col.name)),
        )
      : [],
  );
  const c = useCompletion(task, [...cellKeys, ...fields.map((f) => f.name)], onDone);
  const build = () => {
    try {
      return buildData(fields, values, { zone });
    } catch (e) {
      if (e instanceof FieldValueError && VALUE_ERRORS[e.message])
        throw new FieldValueError(e.field, t(VALUE_ERRORS[e.message]));
      throw e;
    }
  };
  return (
    <TaskFormFrame task={task} kind={kind} completion={c} build={build}>
      <h3>{t('genericForm')}</h3>
      {fields.map((f) =>
        f.input === 'rows' ? (
          <div key={f.name} className={`field${c.fieldErrors[f.name] ? ' has-error' : ''}`}>
            <RowsInput
              field={f}
              rows={(values[f.name] as RawRow[] | undefined) ?? []}
              onChange={(rows) => setValues({ ...values, [f.name]: rows })}
              errors={c.fieldErrors}
            />
            {c.fieldErrors[f.name] && (
              <small className="field-error" role="alert">
                {c.fieldErrors[f.name]}
              </small>
            )}
          </div>
        ) : (
          <Field
            key={f.name}
            label={`${label(f.name)}${f.required ? t('requiredMark') : ''}`}
            error={c.fieldErrors[f.name]}
            hint={f.input === 'money' ? amountHint(values[f.name]) : undefined}
          >
            {(p) => (
              <GenericInput
                field={f}
                value={values[f.name]}
                onChange={(v) => setValues({ ...values, [f.name]: v })}
                props={p}
              />
            )}
          </Field>
        ),
      )}
    </TaskFormFrame>
  );
}
