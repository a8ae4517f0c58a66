// Records synced per cycle as an inline SVG bar chart: no chart library, scales to its container.
import { formatDate, formatNumber } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';
const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });

function s(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** A tick step of 1, 2 or 5 × 10^n giving about four steps up to `max`. */
function niceStep(max) {
  const raw = Math.max(max, 1) / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= raw);
}

/** cycles: [{ runId, status, startedAt, records }], oldest first. */
export function cycleChart(cycles) {
  const W = 960;
  const H = 240;
  const pad = { top: 20, right: 12, bottom: 28, left: 56 };
  const plotW = W - pad.left - pad.right;
  const plotH = H - pad.top - pad.bottom;
  const max = Math.max(1, ...cycles.map((c) => c.records));
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const y = (v) => pad.top + plotH - (v / top) * plotH;
  const total = cycles.reduce((a, c) => a + c.records, 0);
  const svg = s('svg', {
    viewBox: `0 0 ${W} ${H}`,
    class: 'chart',
    role: 'img',
    'aria-label': `Records synced per cycle, last ${cycles.length} cycles, ${formatNumber(total)} in all`,
  });
  for (let v = 0; v <= top; v += step) {
    svg.append(s('line', { x1: pad.left, x2: W - pad.right, y1: y(v), y2: y(v), class: 'grid' }));
    svg.append(s('text', { x: pad.left - 8, y: y(v) + 4, class: 'axis', 'text-anchor': 'end' }, formatNumber(v)));
  }
  // At least 12 slots, so a few cycles show as bars, not as slabs.
  const slot = plotW / Math.max(cycles.length, 12);
  const bw = Math.max(2, Math.min(36, slot * 0.7));
  const labelEvery = Math.ceil(cycles.length / 8);
  cycles.forEach((c, i) => {
    const x = pad.left + i * slot + (slot - bw) / 2;
    const h = Math.max(c.records > 0 ? 1 : 0, plotH - (y(c.records) - pad.top));
    const bar = s('rect', {
      x,
      y: pad.top + plotH - h,
      width: bw,
      height: h,
      rx: 2,
      class: `bar ${c.status === 'failed' ? 'failed' : c.status === 'partial' ? 'partial' : ''}`,
      'data-run': c.runId,
      'data-records': c.records,
    });
    bar.append(
      s('title', {}, `Cycle ${c.runId} (${c.status}), ${formatDate(c.startedAt)}: ${formatNumber(c.records)} records`),
    );
    svg.append(bar);
    // The count over each bar: after a big initial sync, later cycles are too short to read.
    if (slot >= 22)
      svg.append(
        s(
          'text',
          { x: x + bw / 2, y: pad.top + plotH - h - 4, class: 'bar-label', 'text-anchor': 'middle' },
          compact.format(c.records),
        ),
      );
    if (i % labelEvery === 0 || i === cycles.length - 1) {
      svg.append(s('text', { x: x + bw / 2, y: H - 10, class: 'axis', 'text-anchor': 'middle' }, `#${c.runId}`));
    }
  });
  svg.append(s('line', { x1: pad.left, x2: W - pad.right, y1: y(0), y2: y(0), class: 'baseline' }));
  return svg;
}
