/**
 * The report's charts as SVG markup, and the sentence each chart's accessible name carries. Pure:
 * data in, markup and text out, no charting library (the detector Lambda draws them too, and a
 * library would double its bundle). The band and the window are told apart by dashes, labels and
 * marker shape as well as by colour, the heat strip's shades have a numbered legend and `!` marks,
 * so the charts read in greyscale and on paper.
 */
import type { DailyPoint, HourCell, PeerDistribution, RobustBaseline } from './report-model.ts';
import {
  box,
  countTicks,
  dot,
  hLine,
  path,
  px,
  rect,
  text,
  tickLabel,
  triangleDown,
  triangleUp,
  vLine,
} from './svg-marks.ts';

export interface ChartSpec {
  /** Size of the drawing (the SVG `viewBox`), in CSS pixels. */
  readonly width: number;
  readonly height: number;
  /** The marks, as SVG elements styled by `CHART_STYLE`. */
  readonly body: string;
  /** A short title (the SVG `<title>`). */
  readonly title: string;
  /** What the chart shows, in words: the SVG's description and the figure caption. */
  readonly summary: string;
}

export type DailyMeasure = 'recordsRead' | 'recordsExported';

const MEASURE_LABEL: Readonly<Record<DailyMeasure, string>> = {
  recordsRead: 'Records read per day',
  recordsExported: 'Records exported per day',
};

const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

export function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** Runs of consecutive indexes, as [first, length]. */
function runs(indexes: readonly number[]): [number, number][] {
  const result: [number, number][] = [];
  for (const index of indexes) {
    const last = result[result.length - 1];
    if (last && last[0] + last[1] === index) last[1]++;
    else result.push([index, 1]);
  }
  return result;
}

export function dailyChart(
  actorId: string,
  measure: DailyMeasure,
  points: readonly DailyPoint[],
  baseline: RobustBaseline,
): ChartSpec {
  const [width, height, left, top, plotW, plotH] = [680, 250, 62, 22, 602, 166];
  const bottom = top + plotH;
  const values = points.map((point) => point[measure]);
  // A tenth of headroom keeps the window's value labels inside the plot, below the window label.
  const { top: yTop, ticks } = countTicks(Math.max(...values, baseline.high, 0) * 1.1);
  const y = (value: number) => top + plotH * (1 - value / yTop);
  const step = plotW / Math.max(points.length, 1);
  const x = (index: number) => left + step * (index + 0.5);
  const windowIndexes = points.flatMap((point, index) => (point.inWindow ? [index] : []));
  const parts: string[] = [
    path(ticks.map((tick) => hLine(left, y(tick), plotW)).join(''), 'grid'),
    ...ticks.map((tick) => text(left - 5, y(tick) + 3, tickLabel(tick), 'yl')),
    rect(left, y(baseline.high), plotW, Math.max(1, y(baseline.low) - y(baseline.high)), 'band'),
    ...runs(windowIndexes).map(([first, length]) =>
      rect(left + step * first, top, step * length, plotH, 'win'),
    ),
  ];
  const firstWindow = windowIndexes[0];
  if (firstWindow !== undefined) {
    // Above the plot, over the window's first day, kept inside the chart at either edge.
    const labelX = Math.min(Math.max(x(firstWindow), left + 24), left + plotW - 24);
    parts.push(text(labelX, top - 6, 'window', 'winl'));
  }
  parts.push(
    path(hLine(left, y(baseline.median), plotW), 'median'),
    text(
      left + 4,
      Math.max(top + 10, y(baseline.high) - 4),
      `dashed line: median ${formatNumber(baseline.median)}; dashed box: band median ± 3×1.4826×MAD (${formatNumber(baseline.low)} to ${formatNumber(baseline.high)})`,
      'bandl',
    ),
    path(
      values.map((value, index) => `${index === 0 ? 'M' : 'L'}${px(x(index))} ${px(y(value))}`).join(''),
      'series',
    ),
    path(values.map((value, index) => dot(x(index), y(value))).join(''), 'dots'),
    path(windowIndexes.map((index) => triangleUp(x(index), y(values[index] ?? 0))).join(''), 'tri'),
    ...windowIndexes.map((index) =>
      text(x(index), y(values[index] ?? 0) - 10, formatNumber(values[index] ?? 0), 'val'),
    ),
    path(`${hLine(left, bottom, plotW)}${vLine(left, top, plotH)}`, 'ax'),
  );
  // Every day is labelled while the labels fit side by side (about 11 px each).
  const every = Math.max(1, Math.ceil(11 / step));
  points.forEach((point, index) => {
    if (index % every === 0) parts.push(text(x(index) + 3, bottom + 5, point.day.slice(5), 'xl', 'up'));
  });
  parts.push(
    text(left + plotW / 2, height - 4, 'Day (UTC)', 'at'),
    text(14, top + plotH / 2, MEASURE_LABEL[measure], 'at', 'up'),
  );
  return {
    width,
    height,
    body: parts.join(''),
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
  const [left, cellW, cellH, panelH] = [34, 18, 14, 136];
  const gridW = 24 * cellW;
  const panel = (period: 'baselineEvents' | 'windowEvents', heading: string, offset: number): string => {
    const gridTop = offset + 18;
    const max = Math.max(0, ...cells.map((cell) => cell[period]));
    // Four shades above zero, each a quarter of the panel's maximum (rounded up to whole events).
    const uppers = [0, 1, 2, 3, 4].map((k) => Math.ceil((max * k) / 4));
    const level = (value: number) =>
      value === 0 ? 0 : uppers.findIndex((upper, k) => k > 0 && value <= upper);
    const shades: string[][] = [[], [], [], [], []];
    const marks: string[] = [];
    for (const cell of cells) {
      const cx = left + cell.hour * cellW;
      const cy = gridTop + (cell.day - 1) * cellH;
      shades[level(cell[period])]?.push(box(cx, cy, cellW - 1, cellH - 1));
      if (period === 'windowEvents' && cell.windowEvents > 0 && cell.baselineEvents === 0) {
        marks.push(text(cx + cellW / 2, cy + cellH - 3, '!', 'mark'));
      }
    }
    const legendX = left + gridW + 18;
    const legend = [text(legendX, gridTop + 8, 'events', 'title')];
    let row = 0;
    uppers.forEach((upper, k) => {
      const lower = k === 0 ? 0 : (uppers[k - 1] ?? 0) + 1;
      if (k > 0 && upper < lower) return; // an empty shade when the maximum is small
      const ly = gridTop + 14 + row * 15;
      legend.push(
        path(box(legendX, ly, 12, 12), `h${k}`),
        text(legendX + 17, ly + 10, k === 0 ? '0' : upper === lower ? String(upper) : `${lower}–${upper}`),
      );
      row++;
    });
    return [
      text(left, offset + 10, heading, 'title'),
      ...shades.map((subpaths, k) => path(subpaths.join(''), `h${k}`)),
      ...marks,
      ...DAY_NAMES.map((name, index) => text(left - 4, gridTop + index * cellH + 10, name, 'yl')),
      ...Array.from({ length: 24 }, (_, hour) =>
        text(left + hour * cellW + cellW / 2, gridTop + 7 * cellH + 10, String(hour), 'xc'),
      ),
      ...legend,
    ].join('');
  };
  const body = [
    panel('baselineEvents', `Usual: events in the ${lookbackDays} days before the window`, 0),
    panel('windowEvents', 'Window: events in the firing window (! = an hour with no usual activity)', panelH),
    text(left + gridW / 2, 2 * panelH + 8, `Local hour (${timezone})`, 'at'),
  ].join('');
  return {
    width: left + gridW + 110,
    height: 2 * panelH + 14,
    body,
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

const PEER_MEASURE: Readonly<Record<DailyMeasure, { readonly noun: string; readonly verb: string }>> = {
  recordsRead: { noun: 'Records read', verb: 'read' },
  recordsExported: { noun: 'Records exported', verb: 'exported' },
};

export function peerChart(actorId: string, measure: DailyMeasure, peers: PeerDistribution): ChartSpec {
  const [width, height, left, top, plotW] = [680, 112, 24, 34, 628];
  const department = peers.department ?? 'unknown department';
  const { top: xTop, ticks } = countTicks(Math.max(peers.actorValue, ...peers.peerValues, 0));
  const x = (value: number) => left + (plotW * value) / xTop;
  const axisY = top + 34;
  const actorX = x(peers.actorValue);
  // The label sits left of the actor's line unless that would run off the chart.
  const labelLeft = actorX - left > 130;
  const body = [
    path(peers.peerValues.map((value) => vLine(x(value), top, 28)).join(''), 'peer'),
    path(vLine(actorX, top - 6, 34), 'actor'),
    path(triangleDown(actorX, top - 4), 'tri'),
    text(
      actorX + (labelLeft ? -9 : 9),
      top - 8,
      `this actor: ${formatNumber(peers.actorValue)}`,
      labelLeft ? 'val-end' : 'val-start',
    ),
    path(`${hLine(left, axisY, plotW)}${ticks.map((tick) => vLine(x(tick), axisY, 4)).join('')}`, 'ax'),
    ...ticks.map((tick) => text(x(tick), axisY + 15, tickLabel(tick), 'xc')),
    text(
      left + plotW / 2,
      height - 6,
      `Highest ${PEER_MEASURE[measure].noun.toLowerCase()} in a day of the window`,
      'at',
    ),
  ].join('');
  return {
    width,
    height,
    body,
    title: `${PEER_MEASURE[measure].noun}: ${actorId} among the ${department} department`,
    summary: peerSummary(actorId, measure, peers),
  };
}

function peerSummary(actorId: string, measure: DailyMeasure, peers: PeerDistribution): string {
  const { noun, verb } = PEER_MEASURE[measure];
  const count = peers.peerValues.length;
  if (peers.department === null || count === 0) {
    return `${actorId} ${verb} at most ${formatNumber(peers.actorValue)} records in a day of the window; no department peers to compare with.`;
  }
  const below = peers.peerValues.filter((value) => value < peers.actorValue).length;
  const median = peers.peerValues[Math.floor((count - 1) / 2)] ?? 0;
  const top = peers.peerValues[count - 1] ?? 0;
  return (
    `Highest ${noun.toLowerCase()} in a day of the window, ${peers.department} department: ${count} peers (ticks), ` +
    `median about ${formatNumber(median)}, highest ${formatNumber(top)}. ` +
    `${actorId} (dashed line, triangle): ${formatNumber(peers.actorValue)}, above ${below} of ${count} peers.`
  );
}
