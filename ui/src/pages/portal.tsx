/** The customer portal: my quotes, orders and returns; asking for a quote; reporting a problem. */
import { useEffect, useRef, useState, type DragEvent, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, ApiError, upload, type Task } from '../api';
import { useApp } from '../context';
import type { StringKey } from '../strings';
import type { DeclarableAbsentLayer } from '../../../domain/quote/file-set';
import {
  DateInput,
  ErrorBanner,
  Field,
  FileInput,
  Loading,
  Section,
  SlaBadge,
  StatusPill,
  When,
  useLoad,
  useNow,
} from '../components/common';

type Row = Record<string, unknown> & { id: string };

function ListOf({
  rows,
  to,
  empty,
  loading,
}: {
  rows: Row[];
  to: (r: Row) => string;
  empty: string;
  loading: boolean;
}) {
  if (loading) return <Loading />;
  if (!rows.length) return <p className="hint">{empty}</p>;
  return (
    <ul className="cases">
      {rows.map((r) => (
        <li key={r.id}>
          <Link to={to(r)}>{String(r.reference ?? r.id.slice(0, 8))}</Link>{' '}
          <StatusPill status={String(r.status ?? '')} /> <When at={r.createdAt as string} />
        </li>
      ))}
    </ul>
  );
}

export function PortalHome() {
  const { t, taskTitle } = useApp();
  const now = useNow();
  const tasks = useLoad(() => api<{ tasks: Task[] }>('/api/tasks'), []);
  const quotes = useLoad(() => api<{ quotes: Row[] }>('/api/quotes'), []);
  const orders = useLoad(() => api<{ orders: Row[] }>('/api/orders'), []);
  const rmas = useLoad(() => api<{ rmas: Row[] }>('/api/rmas'), []);
  return (
    <main id="main">
      <h1>{t('portalTitle')}</h1>
      <p className="actions">
        <Link className="button primary" to="/portal/rfq">
          {t('navNewRfq')}
        </Link>
        <Link className="button" to="/portal/rma">
          {t('navNewRma')}
        </Link>
      </p>
      <Section title={t('openTasks')}>
        <ErrorBanner error={tasks.error} />
        {tasks.loading && !tasks.data ? (
          <Loading />
        ) : (tasks.data?.tasks ?? []).length === 0 ? (
          <p className="hint">{t('noOpenTasks')}</p>
        ) : (
          <ul>
            {tasks.data?.tasks.map((x) => (
              <li key={x.id}>
                <Link to={`/tasks/${x.id}`}>{taskTitle(x)}</Link>{' '}
                <SlaBadge dueAt={x.answerBy ?? x.dueAt ?? null} now={now} />
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section title={t('quotes')}>
        <ErrorBanner error={quotes.error} />
        <ListOf
          rows={quotes.data?.quotes ?? []}
          to={(r) => `/quotes/${r.id}`}
          empty={t('noQuotes')}
          loading={quotes.loading && !quotes.data}
        />
      </Section>
      <Section title={t('orders')}>
        <ErrorBanner error={orders.error} />
        <ListOf
          rows={orders.data?.orders ?? []}
          to={(r) => `/orders/${r.id}`}
          empty={t('nothingYet')}
          loading={orders.loading && !orders.data}
        />
      </Section>
      <Section title={t('rmas')}>
        <ErrorBanner error={rmas.error} />
        <ListOf
          rows={rmas.data?.rmas ?? []}
          to={(r) => `/rmas/${r.id}`}
          empty={t('nothingYet')}
          loading={rmas.loading && !rmas.data}
        />
      </Section>
    </main>
  );
}

type Slot = 'gerber' | 'bom' | 'placement';

/** Which slot a dropped file belongs in: zips are Gerbers; tables with "bom" in the name are BOMs; else placement. */
function slotOf(file: File): Slot {
  const name = file.name.toLowerCase();
  if (name.endsWith('.zip')) return 'gerber';
  if (/bom|bill/.test(name) || name.endsWith('.xlsx')) return 'bom';
  return 'placement';
}

/**
 * What each layer a customer may declare absent is called. Keyed by the API's own type (`domain/quote/file-set.ts`),
 * so tsc fails when a layer is added there and not here; only the type is imported (the UI image builds from ui/).
 */
const ABSENT_LAYER_WORDS: Record<DeclarableAbsentLayer, StringKey> = {
  'copper-bottom': 'absentCopperBottom',
  drill: 'absentDrill',
  'soldermask-top': 'absentSoldermaskTop',
  'soldermask-bottom': 'absentSoldermaskBottom',
  'silkscreen-top': 'absentSilkscreenTop',
  'silkscreen-bottom': 'absentSilkscreenBottom',
};

export function RfqPage() {
  const { t } = useApp();
  const navigate = useNavigate();
  const [files, setFiles] = useState<Partial<Record<Slot, File>>>({});
  const [quantity, setQuantity] = useState('10');
  const [assembly, setAssembly] = useState(false);
  const [leadTime, setLeadTime] = useState('standard');
  const [sourcing, setSourcing] = useState<'turnkey' | 'consigned'>('turnkey');
  const [absent, setAbsent] = useState<DeclarableAbsentLayer[]>([]);
  const [progress, setProgress] = useState<number | null>(null);
  const [dragging, setDragging] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const inputs = {
    gerber: useRef<HTMLInputElement>(null),
    bom: useRef<HTMLInputElement>(null),
    placement: useRef<HTMLInputElement>(null),
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const next = { ...files };
    for (const f of [...e.dataTransfer.files]) next[slotOf(f)] = f;
    setFiles(next);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setFieldErrors({});
    const form = new FormData();
    if (files.gerber) form.append('gerber', files.gerber);
    if (files.bom) form.append('bom', files.bom);
    if (files.placement) form.append('placement', files.placement);
    form.append('quantity', quantity.trim());
    form.append(
      'options',
      JSON.stringify({
        assembly,
        leadTime,
        ...(assembly ? { sourcing } : {}),
        ...(absent.length ? { absentLayers: absent } : {}),
      }),
    );
    setProgress(0);
    try {
      const created = await upload<{ id: string }>('/api/quotes', form, setProgress);
      void navigate(`/quotes/${created.id}`);
    } catch (err) {
      setProgress(null);
      if (err instanceof ApiError && err.field)
        setFieldErrors({ [err.field.split('.')[0]]: err.message.replace(/^[\w.]+:\s*/, '') });
      else setError(err);
    }
  };

  const fileField = (slot: Slot, label: string, accept: string) => (
    <Field label={label} error={fieldErrors[slot]}>
      {(p) => (
        <>
          <FileInput
            {...p}
            ref={inputs[slot]}
            accept={accept}
            chosen={files[slot] ? [files[slot]] : []}
            onChange={(e) => setFiles({ ...files, [slot]: e.target.files?.[0] })}
          />
        </>
      )}
    </Field>
  );

  return (
    <main id="main">
      <h1>{t('rfqTitle')}</h1>
      <form className="card" onSubmit={(e) => void submit(e)} aria-label={t('rfqTitle')}>
        <div
          className={`dropzone${dragging ? ' dragging' : ''}`}
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
          aria-label={t('rfqDrop')}
          data-testid="dropzone"
        >
          <p>{t('rfqDrop')}</p>
          <ul>
            {(Object.entries(files) as [Slot, File | undefined][])
              .filter(([, f]) => f)
              .map(([slot, f]) => (
                <li key={slot}>
                  {t(slot === 'gerber' ? 'rfqGerber' : slot === 'bom' ? 'slotBom' : 'slotPlacement')}:{' '}
                  <span translate="no">{f?.name}</span> ({((f?.size ?? 0) / 1024).toFixed(0)} KiB)
                </li>
              ))}
          </ul>
        </div>
        {fileField('gerber', t('rfqGerber'), '.zip')}
        {fileField('bom', t('rfqBom'), '.csv,.tsv,.txt,.xlsx')}
        {fileField('placement', t('rfqCpl'), '.csv,.pos,.txt,.tsv')}
        <div className="row">
          <Field label={t('rfqQuantity')} error={fieldErrors.quantity}>
            {(p) => <input {...p} inputMode="numeric" value={quantity} onChange={(e) => setQuantity(e.target.value)} />}
          </Field>
          <Field label={t('rfqLeadTime')} error={fieldErrors.options}>
            {(p) => (
              <select {...p} value={leadTime} onChange={(e) => setLeadTime(e.target.value)}>
                <option value="standard">{t('leadStandard')}</option>
                <option value="express">{t('leadExpress')}</option>
              </select>
            )}
          </Field>
          <Field label={t('rfqSourcing')}>
            {(p) => (
              <select
                {...p}
                value={sourcing}
                disabled={!assembly}
                onChange={(e) => setSourcing(e.target.value === 'consigned' ? 'consigned' : 'turnkey')}
              >
                <option value="turnkey">{t('rfqTurnkey')}</option>
                <option value="consigned">{t('rfqConsigned')}</option>
              </select>
            )}
          </Field>
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={assembly} onChange={(e) => setAssembly(e.target.checked)} />
          {t('rfqAssembly')}
        </label>
        <fieldset className="absent-layers">
          <legend>{t('absentLayers')}</legend>
          <p className="hint">{t('absentLayersHint')}</p>
          {(Object.keys(ABSENT_LAYER_WORDS) as DeclarableAbsentLayer[]).map((layer) => (
            <label key={layer} className="checkbox">
              <input
                type="checkbox"
                checked={absent.includes(layer)}
                onChange={(e) => setAbsent(e.target.checked ? [...absent, layer] : absent.filter((l) => l !== layer))}
              />
              {t(ABSENT_LAYER_WORDS[layer])}
            </label>
          ))}
        </fieldset>
        {progress !== null && (
          <label className="upload-progress">
            {t('uploadProgress')} {Math.round(progress * 100)}%
            <progress max={1} value={progress} />
          </label>
        )}
        <ErrorBanner error={error} />
        <button type="submit" className="primary" disabled={progress !== null && progress < 1}>
          {t('rfqSubmit')}
        </button>
      </form>
    </main>
  );
}

interface OrderChoice {
  id: string;
  reference: string;
  status: string;
  quantity: number;
}
interface OrderLots {
  workflow: { lots?: { lotNumber: string; quantity: number }[] } | null;
}

/** Reporting a problem: which order and lot, what happens, how many, photos; opens an RMA and attaches the photos. */
export function NewRmaPage() {
  const { t, today } = useApp();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const orders = useLoad(
    () => api<{ orders: OrderChoice[] }>('/api/orders').catch(() => ({ orders: [] as OrderChoice[] })),
    [],
  );
  const [form, setForm] = useState({
    orderId: params.get('order') ?? '',
    lotNumber: '',
    symptoms: '',
    quantity: '1',
    productModel: '',
    partNumber: '',
    saleDate: '',
    urgent: false,
    requestedResolution: 'repair',
  });
  const lots = useLoad(
    () =>
      form.orderId
        ? api<OrderLots>(`/api/orders/${form.orderId}`)
            .then((o) => o.workflow?.lots ?? [])
            .catch(() => [])
        : Promise.resolve([]),
    [form.orderId],
  );
  const [photos, setPhotos] = useState<File[]>([]);
  const [progress, setProgress] = useState<number | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form, v: string | boolean) => setForm({ ...form, [k]: v });
  // One lot: it is the one.
  useEffect(() => {
    if (lots.data?.length === 1) setForm((f) => ({ ...f, lotNumber: lots.data?.[0].lotNumber ?? '' }));
  }, [lots.data]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFieldErrors({});
    setError(null);
    const quantity = Number(form.quantity);
    if (!Number.isInteger(quantity)) {
      setFieldErrors({ quantity: t('mustBeWhole') });
      return;
    }
    const body: Record<string, unknown> = {
      symptoms: form.symptoms,
      quantity,
      urgent: form.urgent,
      requestedResolution: form.requestedResolution,
    };
    if (form.orderId) body.orderId = form.orderId;
    if (form.lotNumber) body.lotNumber = form.lotNumber;
    if (form.productModel.trim()) body.productModel = form.productModel.trim();
    if (form.partNumber.trim()) body.partNumber = form.partNumber.trim();
    if (form.saleDate) body.saleDate = form.saleDate;
    setBusy(true);
    try {
      const created = await api<{ id: string }>('/api/rmas', { body });
      if (photos.length) {
        const data = new FormData();
        for (const f of photos) data.append('file', f, f.name);
        setProgress(0);
        await upload(`/api/rmas/${created.id}/evidence`, data, setProgress);
      }
      void navigate(`/rmas/${created.id}`);
    } catch (err) {
      if (err instanceof ApiError && err.field)
        setFieldErrors({ [err.field.split('.')[0]]: err.message.replace(/^[\w.]+:\s*/, '') });
      else setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main">
      <h1>{t('rmaNewTitle')}</h1>
      <form className="card" onSubmit={(e) => void submit(e)} aria-label={t('rmaNewTitle')}>
        <div className="row">
          <Field label={t('rmaOrder')} error={fieldErrors.orderId}>
            {(p) => (
              <select
                {...p}
                value={form.orderId}
                onChange={(e) => setForm({ ...form, orderId: e.target.value, lotNumber: '' })}
              >
                <option value="">{t('rmaNoOrder')}</option>
                {(orders.data?.orders ?? []).map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.reference} · {o.quantity.toLocaleString()} {t('pcs')}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('rmaLot')} error={fieldErrors.lotNumber}>
            {(p) => (
              <select
                {...p}
                value={form.lotNumber}
                disabled={!lots.data?.length}
                onChange={(e) => set('lotNumber', e.target.value)}
              >
                <option value="">{t('rmaNoLot')}</option>
                {(lots.data ?? []).map((l) => (
                  <option key={l.lotNumber} value={l.lotNumber}>
                    {l.lotNumber} · {l.quantity.toLocaleString()} {t('pcs')}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <Field label={t('rmaSymptoms')} error={fieldErrors.symptoms}>
          {(p) => <textarea {...p} rows={3} value={form.symptoms} onChange={(e) => set('symptoms', e.target.value)} />}
        </Field>
        <div className="row">
          <Field label={t('rmaQuantity')} error={fieldErrors.quantity}>
            {(p) => (
              <input
                {...p}
                inputMode="numeric"
                value={form.quantity}
                onChange={(e) => set('quantity', e.target.value)}
              />
            )}
          </Field>
          <Field label={t('rmaProductModel')} error={fieldErrors.productModel}>
            {(p) => <input {...p} value={form.productModel} onChange={(e) => set('productModel', e.target.value)} />}
          </Field>
          <Field label={t('rmaPartNumber')} error={fieldErrors.partNumber}>
            {(p) => <input {...p} value={form.partNumber} onChange={(e) => set('partNumber', e.target.value)} />}
          </Field>
          <Field label={t('rmaSaleDate')} error={fieldErrors.saleDate}>
            {(p) => <DateInput {...p} max={today()} value={form.saleDate} onValue={(v) => set('saleDate', v)} />}
          </Field>
        </div>
        <Field label={t('rmaResolution')} error={fieldErrors.requestedResolution}>
          {(p) => (
            <select
              {...p}
              value={form.requestedResolution}
              onChange={(e) => set('requestedResolution', e.target.value)}
            >
              <option value="repair">{t('resRepair')}</option>
              <option value="exchange">{t('resExchange')}</option>
              <option value="refund">{t('resRefund')}</option>
            </select>
          )}
        </Field>
        <Field label={t('rmaPhotos')} error={fieldErrors.file}>
          {(p) => (
            <FileInput
              {...p}
              chosen={photos}
              multiple
              accept="image/*"
              capture="environment"
              onChange={(e) => setPhotos([...(e.target.files ?? [])])}
            />
          )}
        </Field>
        {progress !== null && (
          <label className="upload-progress">
            {t('uploadProgress')} {Math.round(progress * 100)}%
            <progress max={1} value={progress} />
          </label>
        )}
        <label className="checkbox">
          <input type="checkbox" checked={form.urgent} onChange={(e) => set('urgent', e.target.checked)} />
          {t('rmaUrgent')}
        </label>
        <ErrorBanner error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {t('rmaSubmit')}
        </button>
      </form>
    </main>
  );
}
