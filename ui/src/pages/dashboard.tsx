/** Dashboards: quote turnaround vs the 24 h SLA, open tasks by role and age, first-pass yield, RMA aging, penalties. */
import { useMemo } from 'react';
import { api, type Task } from '../api';
import { useApp } from '../context';
import { AGE_BUCKETS, EN_UNITS, ZH_UNITS, ageBucket, formatSpan } from '../lib/time';
import { formatMoney } from '../lib/format';
import { quoteTurnaroundHours, firstPassYield } from '../lib/metrics';
import { BarChart } from '../components/chart';
import { Loaded, Section, When, stillLoading, useLoad } from '../components/common';

type Row = Record<string, unknown> & { id: string };
const COLORS = ['#2563eb', '#16a34a', '#d97706', '#dc2626', '#7c3aed'];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return 0;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function allTasks(status: 'open' | 'completed', kind?: string): Promise<Task[]> {
  return (await api<{ tasks: Task[] }>(`/api/tasks?status=${status}&limit=500${kind ? `&kind=${kind}` : ''}`)).tasks;
}

export function DashboardPage() {
  const { t, lang, roleName, value } = useApp();
  const now = useMemo(() => new Date(), []);
  const open = useLoad(() => allTasks('open'), []);
  const quotes = useLoad(() => api<{ quotes: Row[] }>('/api/quotes?limit=200').then((r) => r.quotes), []);
  const decisions = useLoad(
    async () => [
      ...(await allTasks('open', 'quote.customer-decision')),
      ...(await allTasks('completed', 'quote.customer-decision')),
    ],
    [],
  );
  const inspections = useLoad(() => allTasks('completed', 'order.inspection'), []);
  const reworks = useLoad(() => allTasks('completed', 'order.rework'), []);
  const rmas = useLoad(() => api<{ rmas: Row[] }>('/api/rmas?limit=500').then((r) => r.rmas), []);
  const penalties = useLoad(
    () => api<{ entries: Row[]; totalFen: number; currency: string }>('/api/rma-penalties'),
    [],
  );

  const turnaround = useMemo(
    () => quoteTurnaroundHours(quotes.data ?? [], decisions.data ?? []),
    [quotes.data, decisions.data],
  );
  const roles = useMemo(() => [...new Set((open.data ?? []).map((x) => x.role))].sort(), [open.data]);
  const byRoleAge = useMemo(
    () =>
      AGE_BUCKETS.map((b, i) => ({
        label: t(`age_${b.key}`),
        color: COLORS[i],
        data: roles.map(
          (r) => (open.data ?? []).filter((x) => x.role === r && ageBucket(x.createdAt, now) === b.key).length,
        ),
      })),
    [open.data, roles, now, t],
  );
  const fpy = useMemo(() => firstPassYield((inspections.data ?? []).map((x) => x.data ?? {})), [inspections.data]);
  const openRmas = (rmas.data ?? []).filter((r) => !['closed', 'rejected', 'completed'].includes(String(r.status)));
  const rmaAging = AGE_BUCKETS.map((b) => openRmas.filter((r) => ageBucket(String(r.createdAt), now) === b.key).length);

  return (
    <main id="main">
      <h1>{t('dashboardTitle')}</h1>
      <div className="grid">
        <Section title={t('chartTurnaround')} busy={stillLoading(quotes, decisions)}>
          <Loaded loads={[quotes, decisions]}>
            {() =>
              turnaround.length ? (
                <>
                  <p className="metric">
                    {t('withinSla', { n: turnaround.filter((q) => q.hours <= 24).length, of: turnaround.length })} ·{' '}
                    {t('medianHours', {
                      h: formatSpan(
                        median(turnaround.map((q) => q.hours)) * 3_600_000,
                        lang === 'zh' ? ZH_UNITS : EN_UNITS,
                      ),
                    })}
                  </p>
                  <BarChart
                    title={t('chartTurnaround')}
                    labels={turnaround.map((q) => q.reference)}
                    series={[
                      {
                        label: t('hours'),
                        data: turnaround.map((q) => Math.round(q.hours * 10) / 10),
                        color: '#2563eb',
                      },
                      { label: t('sla24'), data: turnaround.map(() => 24), color: '#dc2626', type: 'line' },
                    ]}
                  />
                </>
              ) : (
                <p className="hint">{t('noData')}</p>
              )
            }
          </Loaded>
        </Section>
        <Section title={t('chartTasksByRole')} busy={stillLoading(open)}>
          <Loaded loads={[open]}>
            {() =>
              roles.length ? (
                <BarChart title={t('chartTasksByRole')} labels={roles.map(roleName)} series={byRoleAge} stacked />
              ) : (
                <p className="hint">{t('noData')}</p>
              )
            }
          </Loaded>
        </Section>
        <Section title={t('chartYield')} busy={stillLoading(inspections, reworks)}>
          <Loaded loads={[inspections, reworks]}>
            {() =>
              fpy.rounds ? (
                <>
                  <p className="metric">
                    {t('firstPassYield')}
                    {t('colon')}
                    <strong>{(fpy.yield * 100).toFixed(1)} %</strong> · {t('lots')}
                    {t('colon')}
                    {fpy.rounds} · {t('reworkCount')}
                    {t('colon')}
                    {reworks.data?.length ?? 0}
                  </p>
                  <BarChart
                    title={t('chartYield')}
                    labels={fpy.byKind.map((k) => k.kind.toUpperCase())}
                    series={[
                      { label: t('passed'), data: fpy.byKind.map((k) => k.passed), color: '#16a34a' },
                      { label: t('failed'), data: fpy.byKind.map((k) => k.failed), color: '#dc2626' },
                    ]}
                    stacked
                  />
                </>
              ) : (
                <p className="hint">{t('noData')}</p>
              )
            }
          </Loaded>
        </Section>
        <Section title={t('chartRmaAging')} busy={stillLoading(rmas)}>
          <Loaded loads={[rmas]}>
            {() =>
              openRmas.length ? (
                <BarChart
                  title={t('chartRmaAging')}
                  labels={AGE_BUCKETS.map((b) => t(`age_${b.key}`))}
                  series={[{ label: t('rmas'), data: rmaAging, color: '#d97706' }]}
                />
              ) : (
                <p className="hint">{t('noData')}</p>
              )
            }
          </Loaded>
        </Section>
      </div>
      <Section title={t('penaltyLedger')} busy={stillLoading(penalties)}>
        <Loaded loads={[penalties]}>
          {() =>
            penalties.data && (
              <>
                <p className="metric">
                  {t('total')}
                  {t('colon')}
                  <strong>{formatMoney(penalties.data.totalFen, penalties.data.currency, lang)}</strong>
                </p>
                {penalties.data.entries.length ? (
                  <table className="data">
                    <thead>
                      <tr>
                        <th scope="col">{t('when')}</th>
                        <th scope="col">{t('responsibleParty')}</th>
                        <th scope="col">{t('daysLate')}</th>
                        <th scope="col">{t('colAmount')}</th>
                        <th scope="col">{t('reason')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {penalties.data.entries.map((p) => (
                        <tr key={p.id}>
                          <td>
                            <When at={String(p.createdAt)} />
                          </td>
                          <td>{value(String(p.responsibleParty))}</td>
                          <td>{String(p.daysLate)}</td>
                          <td className="num">{formatMoney(Number(p.amountFen), String(p.currency ?? 'CNY'), lang)}</td>
                          <td>
                            {lang === 'zh'
                              ? t('penaltyReasonQr', { ref: /RMA-[\w-]+/.exec(String(p.reason))?.[0] ?? '' })
                              : String(p.reason)}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                ) : (
                  <p className="hint">{t('noData')}</p>
                )}
              </>
            )
          }
        </Loaded>
      </Section>
    </main>
  );
}
