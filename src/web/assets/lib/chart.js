// Records synced per cycle as an inline SVG bar chart: no chart library, scales to its container.
// A log scale, so the small incremental cycles show next to a full read of thousands; full reads
// are drawn apart (another colour, labelled); the x axis is the cycles' start times.
import { formatDate, formatNumber } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';
const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayAndTime = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

function s(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Ticks 0, 1, 10, 100, ... up to the first power of ten at or above max. */
function logTicks(max) {
  const ticks = [0, 1];
  while (ticks.at(-1) < max) ticks.push(ticks.at(-1) * 10);
  return ticks;
}

/** The start time as an axis label: with the day when the cycles span more than one. */
function timeLabel(iso, spansDays) {
  return (spansDays ? dayAndTime : timeOnly).format(new Date(iso));
}

/** cycles: [{ runId, status, startedAt, records, fullRead }], oldest first. */
export function cycleChart(cycles) {
  const W = 960;
  const H = 260;
  const pad = { top: 20, right: 12, bottom: 44, left: 56 };
  const plotW = W - pad.left - pad.right;
  const plotH = H - pad.top - pad.bottom;
  const max = Math.max(1, ...cycles.map((c) => c.records));
  const ticks = logTicks(max);
  const top = Math.log10(1 + ticks.at(-1));
  const y = (v) => pad.top + plotH - (Math.log10(1 + v) / top) * plotH;
  const total = cycles.reduce((a, c) => a + c.records, 0);
  const first = cycles[0] ? new Date(cycles[0].startedAt) : new Date();
  const spansDays = cycles.some((c) => new Date(c.startedAt).toDateString() !== first.toDateString());
  const svg = s('svg', {
    viewBox: `0 0 ${W} ${H}`,
    class: 'chart',
    role: 'img',
    'data-scale': 'log',
    'aria-label': `Records synced per cycle (log scale), last ${cycles.length} cycles, ${formatNumber(total)} in all`,
  });
  for (const v of ticks) {
    svg.append(s('line', { x1: pad.left, x2: W - pad.right, y1: y(v), y2: y(v), class: 'grid' }));
    svg.append(s('text', { x: pad.left - 8, y: y(v) + 4, class: 'axis', 'text-anchor': 'end' }, compact.format(v)));
  }
  // At least 12 slots, so a few cycles show as bars, not as slabs.
  const slot = plotW / Math.max(cycles.length, 12);
  const bw = Math.max(2, Math.min(36, slot * 0.7));
  const labelEvery = Math.ceil(cycles.length / 8);
  cycles.forEach((c, i) => {
    const x = pad.left + i * slot + (slot - bw) / 2;
    const h = Math.max(c.records > 0 ? 2 : 0, pad.top + plotH - y(c.records));
    const kind = c.status === 'failed' ? 'failed' : c.status === 'partial' ? 'partial' : c.fullRead ? 'initial' : '';
    const bar = s('rect', {
      x,
      y: pad.top + plotH - h,
      width: bw,
      height: h,
      rx: 2,
      class: `bar ${kind}`,
      'data-run': c.runId,
      'data-records': c.records,
      'data-full-read': c.fullRead ? 'true' : 'false',
    });
    const what = c.fullRead ? 'full read' : 'incremental';
    bar.append(
      s(
        'title',
        {},
        `Cycle ${c.runId} (${what}, ${c.status}), ${formatDate(c.startedAt)}: ${formatNumber(c.records)} records`,
      ),
    );
    svg.append(bar);
    if (slot >= 22)
      svg.append(
        s(
          'text',
          { x: x + bw / 2, y: pad.top + plotH - h - 4, class: 'bar-label', 'text-anchor': 'middle' },
          compact.format(c.records),
        ),
      );
    if (i % labelEvery === 0 || i === cycles.length - 1) {
      svg.append(
        s(
          'text',
          { x: x + bw / 2, y: H - 26, class: 'axis time-label', 'text-anchor': 'middle' },
          timeLabel(c.startedAt, spansDays),
        ),
      );
    }
  });
  svg.append(s('line', { x1: pad.left, x2: W - pad.right, y1: y(0), y2: y(0), class: 'baseline' }));
  svg.append(
    s(
      'text',
      { x: pad.left, y: H - 6, class: 'axis-note' },
      'Start time of each cycle · log scale · lighter bars: full reads (the initial sync)',
    ),
  );
  return svg;
}
