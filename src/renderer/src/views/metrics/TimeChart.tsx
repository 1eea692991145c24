// One uPlot chart: made once per theme and series list, fed new data with setData, resized with its
// container. Canvas colours cannot be CSS variables, so they are read from the theme when it is made.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useAppStore } from '../../stores/use-app-store';

export interface ChartSeries {
  label: string;
  /** A theme variable (`--accent`) or a colour. */
  color: string;
}

export interface TimeChartProps {
  title: string;
  series: ChartSeries[];
  /** x first, then one array per series, all the same length. */
  data: (number | null)[][];
  /** x is Unix seconds (wall clock) or plain seconds (elapsed). */
  time: boolean;
  unit?: string;
  height?: number;
  'data-testid'?: string;
}

function themeColor(c: string): string {
  if (!c.startsWith('--')) return c;
  return getComputedStyle(document.documentElement).getPropertyValue(c).trim() || '#888';
}

export function TimeChart({ title, series, data, time, unit, height = 130, ...rest }: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const theme = useAppStore((s) => s.theme);
  const latest = useRef(data);
  latest.current = data;
  const seriesKey = series.map((s) => `${s.label}:${s.color}`).join('|');

  // biome-ignore lint/correctness/useExhaustiveDependencies: remade only when the theme or the series change; data goes through setData
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let u: uPlot | undefined;
    let ro: ResizeObserver | undefined;
    // the shell sets the theme attribute in its own effect, which runs after this one: read the
    // colours on the next frame
    const frame = requestAnimationFrame(() => {
      const muted = themeColor('--muted');
      const grid = themeColor('--border');
      const axis = { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
      u = new uPlot(
        {
          width: Math.max(200, el.clientWidth),
          height,
          scales: { x: { time } },
          legend: { live: true },
          cursor: { drag: { x: false, y: false } },
          axes: [
            { ...axis, ...(time ? {} : { label: 's' }) },
            { ...axis, label: unit, size: 50 },
          ],
          series: [
            { label: time ? 'time' : 'elapsed (s)' },
            ...series.map((s) => ({ label: s.label, stroke: themeColor(s.color), width: 1.5, spanGaps: false, points: { show: false } })),
          ],
        },
        latest.current as uPlot.AlignedData,
        el,
      );
      plot.current = u;
      const made = u;
      ro = new ResizeObserver(() => made.setSize({ width: Math.max(200, el.clientWidth), height }));
      ro.observe(el);
    });
    return () => {
      cancelAnimationFrame(frame);
      ro?.disconnect();
      u?.destroy();
      plot.current = null;
    };
  }, [theme, seriesKey, time, unit, height]);

  useEffect(() => {
    plot.current?.setData(data as uPlot.AlignedData);
  }, [data]);

  const points = data[0]?.length ?? 0;
  // the largest value plotted, for tests and the curious (a tooltip-free way to say "there is data")
  let max = 0;
  for (const col of data.slice(1)) for (const v of col) if (v !== null && v > max) max = v;
  return (
    <figure className="mv-chart" data-testid={rest['data-testid']} data-points={points} data-max={max}>
      <figcaption>{title}</figcaption>
      <div ref={box} className="mv-chart-box" />
      {points === 0 && <div className="mv-muted mv-chart-empty">no data yet</div>}
    </figure>
  );
}
