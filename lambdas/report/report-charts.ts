/**
 * Vega-Lite specs for the report's charts and the sentence each chart's accessible name carries.
 * Pure: data in, spec and text out. The band and the window are told apart by dashes, labels and
 * marker shape as well as by colour, so the charts read in greyscale and on paper.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { DailyPoint, HourCell, PeerDistribution, RobustBaseline } from './report-model.ts';

export interface ChartSpec {
  readonly spec: TopLevelSpec;
  /** A short title (the SVG `<title>`). */
  readonly title: string;
  /** What the chart shows, in words: the SVG's aria-label and the figure caption. */
  readonly summary: string;
}

export type DailyMeasure = 'recordsRead' | 'recordsExported';

const MEASURE_LABEL: Readonly<Record<DailyMeasure, string>> = {
  recordsRead: 'Records read per day',
  recordsExported: 'Records exported per day',
};

const INK = '#1a1a1a';
const BAND_FILL = '#d6e4f0';
const BAND_EDGE = '#2f5d8a';
const WINDOW_FILL = '#fbe3cf';
const WINDOW_EDGE = '#8a3b00';
const CONFIG = {
  font: 'sans-serif',
  background: 'white',
  axis: { labelColor: INK, titleColor: INK, labelFontSize: 10, titleFontSize: 11 },
  view: { stroke: null },
} as const;

const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

export function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

export function dailyChart(
  actorId: string,
  measure: DailyMeasure,
  points: readonly DailyPoint[],
  baseline: RobustBaseline,
): ChartSpec {
  const days = points.map((point) => point.day);
  const values = points.map((point) => ({ day: point.day, value: point[measure], inWindow: point.inWindow }));
  const windowValues = values.filter((point) => point.inWindow);
  const x = { field: 'day', type: 'ordinal', scale: { domain: days }, title: 'Day (UTC)' } as const;
  const spec: TopLevelSpec = {
    width: 640,
    height: 180,
    config: CONFIG,
    layer: [
      {
        data: { values: [{ low: baseline.low, high: baseline.high }] },
        mark: { type: 'rect', fill: BAND_FILL, stroke: BAND_EDGE, strokeDash: [4, 3], strokeWidth: 1 },
        encoding: { y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } },
      },
      {
        data: { values: windowValues },
        mark: { type: 'rect', fill: WINDOW_FILL, stroke: WINDOW_EDGE, strokeDash: [2, 2], strokeWidth: 1 },
        encoding: { x },
      },
      {
        data: { values: windowValues.slice(0, 1) },
        mark: {
          type: 'text',
          text: 'window',
          y: 174,
          baseline: 'bottom',
          fill: WINDOW_EDGE,
          fontWeight: 'bold',
          fontSize: 11,
        },
        encoding: { x },
      },
      {
        data: { values: [{ median: baseline.median }] },
        mark: { type: 'rule', stroke: BAND_EDGE, strokeDash: [8, 4], strokeWidth: 1.5 },
        encoding: { y: { field: 'median', type: 'quantitative' } },
      },
      {
        data: {
          values: [
            {
              high: baseline.high,
              label: `dashed line: median ${formatNumber(baseline.median)}; dashed box: band median ± 3×1.4826×MAD (${formatNumber(baseline.low)} to ${formatNumber(baseline.high)})`,
            },
          ],
        },
        mark: {
          type: 'text',
          align: 'left',
          baseline: 'bottom',
          dx: 4,
          dy: -3,
          x: 0,
          fill: BAND_EDGE,
          fontSize: 10,
        },
        encoding: { y: { field: 'high', type: 'quantitative' }, text: { field: 'label' } },
      },
      {
        data: { values },
        mark: { type: 'line', stroke: INK, strokeWidth: 1.5, point: { filled: true, fill: INK, size: 24 } },
        encoding: {
          x: { ...x, axis: { labelAngle: -90, labelExpr: 'slice(datum.value, 5)' } },
          y: { field: 'value', type: 'quantitative', title: MEASURE_LABEL[measure] },
        },
      },
      {
        data: { values: windowValues },
        layer: [
          {
            mark: {
              type: 'point',
              shape: 'triangle-up',
              size: 110,
              filled: true,
              fill: WINDOW_EDGE,
              stroke: INK,
            },
            encoding: { x, y: { field: 'value', type: 'quantitative' } },
          },
          {
            mark: { type: 'text', dy: -12, fill: INK, fontWeight: 'bold', fontSize: 11, align: 'right' },
            encoding: { x, y: { field: 'value', type: 'quantitative' }, text: { field: 'value' } },
          },
        ],
      },
    ],
  };
  return {
    spec,
    title: `${MEASURE_LABEL[measure]} by ${actorId}`,
    summary: dailySummary(actorId, measure, points, baseline),
  };
}

function dailySummary(
  actorId: string,
  measure: DailyMeasure,
  points: readonly DailyPoint[],
  baseline: RobustBaseline,
): string {
  const first = points[0]?.day ?? '';
  const last = points[points.length - 1]?.day ?? '';
  const windowPart = points
    .filter((point) => point.inWindow)
    .map((point) => {
      const value = point[measure];
      const where =
        value > baseline.high
          ? 'above the band'
          : value < baseline.low
            ? 'below the band'
            : 'inside the band';
      const ratio = baseline.median > 0 ? `, ${formatNumber(value / baseline.median)}× the median` : '';
      return `${point.day}: ${formatNumber(value)}${ratio}, ${where}`;
    })
    .join('; ');
  return (
    `${MEASURE_LABEL[measure]} by ${actorId} from ${first} to ${last} (UTC days). ` +
    `Baseline over ${baseline.days} days before the window: median ${formatNumber(baseline.median)}, ` +
    `robust band ${formatNumber(baseline.low)} to ${formatNumber(baseline.high)}. ` +
    `Window (marked, triangles): ${windowPart || 'no days'}.`
  );
}

export function hourOfWeekChart(
  actorId: string,
  timezone: string,
  lookbackDays: number,
  cells: readonly HourCell[],
): ChartSpec {
  const panel = (period: 'baselineEvents' | 'windowEvents', heading: string) => ({
    title: { text: heading, anchor: 'start', fontSize: 11, color: INK },
    width: 24 * 18,
    height: 7 * 14,
    data: {
      values: cells.map((cell) => ({
        day: DAY_NAMES[cell.day - 1] ?? String(cell.day),
        hour: cell.hour,
        events: cell[period],
        unusual: period === 'windowEvents' && cell.windowEvents > 0 && cell.baselineEvents === 0 ? '!' : '',
      })),
    },
    layer: [
      {
        mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 0.5 },
        encoding: {
          x: { field: 'hour', type: 'ordinal', title: `Local hour (${timezone})`, axis: { labelAngle: 0 } },
          y: { field: 'day', type: 'ordinal', sort: [...DAY_NAMES], title: null },
          color: {
            field: 'events',
            type: 'quantitative',
            // An explicit domain: with all zeros vega would paint every cell mid-grey.
            scale: { scheme: 'greys', domain: [0, Math.max(1, ...cells.map((cell) => cell[period]))] },
            legend: { title: 'events', orient: 'right' },
          },
        },
      },
      {
        transform: [{ filter: "datum.unusual !== ''" }],
        mark: {
          type: 'text',
          fontWeight: 'bold',
          fontSize: 11,
          fill: '#b00020',
          stroke: 'white',
          strokeWidth: 0.4,
        },
        encoding: {
          x: { field: 'hour', type: 'ordinal' },
          y: { field: 'day', type: 'ordinal', sort: [...DAY_NAMES] },
          text: { field: 'unusual' },
        },
      },
    ],
  });
  const spec = {
    config: CONFIG,
    vconcat: [
      panel('baselineEvents', `Usual: events in the ${lookbackDays} days before the window`),
      panel('windowEvents', 'Window: events in the firing window (! = an hour with no usual activity)'),
    ],
    resolve: { scale: { color: 'independent' } },
  } as TopLevelSpec;
  return {
    spec,
    title: `Hour-of-week activity of ${actorId}, usual vs window`,
    summary: hourSummary(actorId, timezone, cells),
  };
}

function cellName(cell: HourCell): string {
  return `${DAY_NAMES[cell.day - 1] ?? cell.day} ${String(cell.hour).padStart(2, '0')}:00`;
}

function hourSummary(actorId: string, timezone: string, cells: readonly HourCell[]): string {
  const usual = cells.reduce((sum, cell) => sum + cell.baselineEvents, 0);
  const inWindow = cells.filter((cell) => cell.windowEvents > 0);
  const windowTotal = inWindow.reduce((sum, cell) => sum + cell.windowEvents, 0);
  const busiest = [...cells]
    .filter((cell) => cell.baselineEvents > 0)
    .sort((a, b) => b.baselineEvents - a.baselineEvents)
    .slice(0, 3)
    .map(cellName);
  const unusual = inWindow.filter((cell) => cell.baselineEvents === 0);
  const shown = inWindow
    .slice(0, 6)
    .map((cell) => `${cellName(cell)} (${cell.windowEvents})`)
    .join(', ');
  return (
    `Hour-of-week heat strip of ${actorId}'s events in local time (${timezone}). ` +
    `Usual: ${usual} events${busiest.length > 0 ? `, busiest hours ${busiest.join(', ')}` : ''}. ` +
    `Window: ${windowTotal} events${shown ? ` at ${shown}${inWindow.length > 6 ? ', …' : ''}` : ''}; ` +
    `${unusual.length} of its ${inWindow.length} active hours had no usual activity (marked !).`
  );
}

export function peerChart(actorId: string, peers: PeerDistribution): ChartSpec {
  const department = peers.department ?? 'unknown department';
  const spec: TopLevelSpec = {
    width: 640,
    height: 70,
    config: CONFIG,
    layer: [
      {
        data: { values: peers.peerValues.map((value) => ({ value })) },
        mark: { type: 'tick', color: '#555555', thickness: 2, opacity: 0.8 },
        encoding: {
          x: {
            field: 'value',
            type: 'quantitative',
            title: 'Highest records read in a day of the window',
            scale: { domainMin: 0 },
          },
        },
      },
      {
        data: {
          values: [{ value: peers.actorValue, label: `this actor: ${formatNumber(peers.actorValue)}` }],
        },
        layer: [
          {
            mark: { type: 'rule', stroke: WINDOW_EDGE, strokeWidth: 2, strokeDash: [6, 3] },
            encoding: { x: { field: 'value', type: 'quantitative' } },
          },
          {
            mark: { type: 'point', shape: 'triangle-down', size: 120, filled: true, fill: WINDOW_EDGE, y: 0 },
            encoding: { x: { field: 'value', type: 'quantitative' } },
          },
          {
            mark: {
              type: 'text',
              y: -8,
              align: 'right',
              dx: -6,
              fill: INK,
              fontWeight: 'bold',
              fontSize: 11,
            },
            encoding: { x: { field: 'value', type: 'quantitative' }, text: { field: 'label' } },
          },
        ],
      },
    ],
  };
  return {
    spec,
    title: `Records read: ${actorId} among the ${department} department`,
    summary: peerSummary(actorId, peers),
  };
}

function peerSummary(actorId: string, peers: PeerDistribution): string {
  const count = peers.peerValues.length;
  if (peers.department === null || count === 0) {
    return `${actorId} read at most ${formatNumber(peers.actorValue)} records in a day of the window; no department peers to compare with.`;
  }
  const below = peers.peerValues.filter((value) => value < peers.actorValue).length;
  const median = peers.peerValues[Math.floor((count - 1) / 2)] ?? 0;
  const top = peers.peerValues[count - 1] ?? 0;
  return (
    `Highest records read in a day of the window, ${peers.department} department: ${count} peers (ticks), ` +
    `median about ${formatNumber(median)}, highest ${formatNumber(top)}. ` +
    `${actorId} (dashed line, triangle): ${formatNumber(peers.actorValue)}, above ${below} of ${count} peers.`
  );
}
