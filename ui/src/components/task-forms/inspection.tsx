/** QA's inspection round: the lot (from the order's lots), units passed, and each failed unit with its defects. */
import { useState } from 'react';
import { api } from '../../api';
import { useApp } from '../../context';
import { FieldValueError } from '../../lib/schema-form';
import { DEFECT_CODES } from '../../i18n/floor-lists';
import { Field, useLoad } from '../common';
import { TaskFormFrame, useCompletion, type FormProps } from './completion';

interface DefectRow {
  code: string;
  designator: string;
  description: string;
}
interface UnitRow {
  serial: string;
  defects: DefectRow[];
}

interface OrderLots {
  workflow: { lots?: { lotIndex: number; lotNumber: string; quantity: number; status: string }[] } | null;
}

const INSPECTION_KINDS = ['aoi', 'xray', 'functional', 'visual'];
const emptyDefect = (): DefectRow => ({ code: '', designator: '', description: '' });

export function InspectionForm({ task, kind, onDone }: FormProps) {
  const { t, lang, value, status } = useApp();
  const payload = task.payload as {
    lotIndex?: number;
    lotNumber?: string;
    unitsToInspect?: number;
    inspectionKind?: string;
  };
  const order = useLoad(() => api<OrderLots>(`/api/orders/${task.caseId}`).catch(() => null), [task.caseId]);
  const lots = order.data?.workflow?.lots ?? [];
  const [lotIndex, setLotIndex] = useState(String(payload.lotIndex ?? 1));
  const [inspectionKind, setInspectionKind] = useState(payload.inspectionKind ?? 'aoi');
  const [passed, setPassed] = useState(payload.unitsToInspect !== undefined ? String(payload.unitsToInspect) : '');
  const [units, setUnits] = useState<UnitRow[]>([]);
  const c = useCompletion(task, ['lotIndex', 'kind', 'passedCount', 'failedUnits'], onDone);
  const update = (i: number, patch: Partial<UnitRow>) =>
    setUnits(units.map((u, j) => (j === i ? { ...u, ...patch } : u)));
  const updateDefect = (i: number, d: number, patch: Partial<DefectRow>) =>
    update(i, { defects: units[i].defects.map((x, k) => (k === d ? { ...x, ...patch } : x)) });
  const build = () => {
    const whole = (name: string, v: string) => {
      if (!/^\d+$/.test(v.trim())) throw new FieldValueError(name, t('mustBeWhole'));
      return Number(v);
    };
    return {
      lotIndex: whole('lotIndex', lotIndex),
      kind: inspectionKind,
      passedCount: whole('passedCount', passed),
      failedUnits: units.map((u) => ({
        serial: u.serial.trim(),
        defects: u.defects.map((d) => ({
          code: d.code.trim(),
          ...(d.designator.trim() ? { designator: d.designator.trim() } : {}),
          ...(d.description.trim() ? { description: d.description.trim() } : {}),
        })),
      })),
    };
  };
  const addUnit = () => {
    setUnits([...units, { serial: '', defects: [emptyDefect()] }]);
    // A failed unit is one unit fewer passed, while the count still matches the round.
    if (/^\d+$/.test(passed) && Number(passed) > 0) setPassed(String(Number(passed) - 1));
  };
  return (
    <TaskFormFrame task={task} kind={kind} completion={c} build={build}>
      <h3>{t('inspection')}</h3>
      <div className="row">
        <Field label={t('lotIndex')} error={c.fieldErrors.lotIndex}>
          {(p) =>
            lots.length ? (
              <select {...p} value={lotIndex} onChange={(e) => setLotIndex(e.target.value)}>
                {lots.map((l) => (
                  <option key={l.lotIndex} value={String(l.lotIndex)}>
                    {l.lotNumber} · {l.quantity.toLocaleString()} {t('pcs')} · {status(l.status)}
                  </option>
                ))}
              </select>
            ) : (
              <input {...p} inputMode="numeric" value={lotIndex} onChange={(e) => setLotIndex(e.target.value)} />
            )
          }
        </Field>
        <Field label={t('inspectionKind')} error={c.fieldErrors.kind}>
          {(p) => (
            <select {...p} value={inspectionKind} onChange={(e) => setInspectionKind(e.target.value)}>
              {INSPECTION_KINDS.map((k) => (
                <option key={k} value={k}>
                  {value(k)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label={t('passedCount')}
          error={c.fieldErrors.passedCount}
          hint={payload.unitsToInspect !== undefined ? t('unitsInRound', { n: payload.unitsToInspect }) : undefined}
        >
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
            <Field label={`${t('serial')} ${i + 1}`}>
              {(p) => <input {...p} value={u.serial} onChange={(e) => update(i, { serial: e.target.value })} />}
            </Field>
            {u.defects.map((d, k) => (
              <div className="row" key={k}>
                <Field label={`${t('defectCode')} ${i + 1}.${k + 1}`}>
                  {(p) => (
                    <select {...p} value={d.code} onChange={(e) => updateDefect(i, k, { code: e.target.value })}>
                      <option value="">—</option>
                      {Object.entries(DEFECT_CODES).map(([code, words]) => (
                        <option key={code} value={code}>
                          {code} · {words[lang]}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field label={`${t('designator')} ${i + 1}.${k + 1}`}>
                  {(p) => (
                    <input
                      {...p}
                      value={d.designator}
                      onChange={(e) => updateDefect(i, k, { designator: e.target.value })}
                    />
                  )}
                </Field>
                <Field label={`${t('defectDescription')} ${i + 1}.${k + 1}`}>
                  {(p) => (
                    <input
                      {...p}
                      value={d.description}
                      onChange={(e) => updateDefect(i, k, { description: e.target.value })}
                    />
                  )}
                </Field>
              </div>
            ))}
            <div className="actions">
              <button type="button" onClick={() => update(i, { defects: [...u.defects, emptyDefect()] })}>
                {t('addDefect')}
              </button>
              <button type="button" className="danger" onClick={() => setUnits(units.filter((_, j) => j !== i))}>
                {t('removeUnit')}
              </button>
            </div>
          </div>
        ))}
        <button type="button" onClick={addUnit}>
          {t('addFailedUnit')}
        </button>
      </fieldset>
    </TaskFormFrame>
  );
}
