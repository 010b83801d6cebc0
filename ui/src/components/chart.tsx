/** A Chart.js chart in a canvas, with a text alternative for screen readers (the data as a table). */
import { useEffect, useRef } from 'react';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Legend,
  Tooltip,
);

export interface Series {
  label: string;
  data: number[];
  color: string;
  type?: 'bar' | 'line';
}

export function BarChart({
  title,
  labels,
  series,
  stacked = false,
}: {
  title: string;
  labels: string[];
  series: Series[];
  stacked?: boolean;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const config: ChartConfiguration<'bar'> = {
      type: 'bar',
      data: {
        labels,
        datasets: series.map((s) => ({
          label: s.label,
          data: s.data,
          backgroundColor: s.color,
          borderColor: s.color,
          // A reference line (the SLA): dashed, with visible points so a single category still shows it.
          ...(s.type === 'line'
            ? {
                type: 'line' as unknown as 'bar',
                borderDash: [6, 4],
                pointRadius: 4,
                pointStyle: 'line',
                borderWidth: 2,
              }
            : {}),
        })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: { stacked },
          // Counts get whole-number ticks; hours keep their fractions.
          y: {
            stacked,
            beginAtZero: true,
            suggestedMax: Math.max(...series.flatMap((x) => x.data)) * 1.1,
            ticks: { precision: series.every((x) => x.data.every(Number.isInteger)) ? 0 : undefined },
          },
        },
        plugins: { legend: { position: 'bottom' } },
      },
    };
    const chart = new Chart(canvas.current, config);
    return () => chart.destroy();
  }, [labels, series, stacked]);
  return (
    <figure className="chart">
      <div className="chart-box">
        <canvas ref={canvas} role="img" aria-label={title} />
      </div>
      <figcaption>{title}</figcaption>
      <table className="sr-only">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">—</th>
            {series.map((s) => (
              <th key={s.label} scope="col">
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {labels.map((l, i) => (
            <tr key={l}>
              <th scope="row">{l}</th>
              {series.map((s) => (
                <td key={s.label}>{s.data[i]}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
