/**
 * A small line chart as a standalone SVG document, written by hand: one or more panels side by
 * side (each with its own y axis and unit) over the same kind of x axis, linear or logarithmic,
 * a few series drawn alike in every panel, one legend, a title and an accessible <title>/<desc>.
 * No script, no external font or stylesheet, no randomness: the same chart gives the same bytes.
 *
 * y axes start at zero (costs and latencies are compared as ratios, so the bars of the eye should
 * be too); points with no value (`y: null`) break the line. Each marker carries a <title> with its
 * value, for screen readers and tooltips.
 */

export interface ChartPoint {
  x: number
  /** null: not measured (a gap in the line). */
  y: number | null
}

export interface ChartSeries {
  name: string
  points: ChartPoint[]
}

export interface ChartPanel {
  title: string
  y: { label: string; unit: string }
  series: ChartSeries[]
}

export type ChartTick = number | { value: number; label: string }

export interface LineChart {
  title: string
  /** A line under the title: where and how it was measured. */
  subtitle?: string
  /** The chart in words: what is measured, how, and what to read in it (the SVG's <desc>). */
  description: string
  x: {
    label: string
    /** @default 'linear' */
    scale?: 'linear' | 'log'
    /** Where the ticks go (and, as objects, what they say); by default every x of the data. */
    ticks?: ChartTick[]
  }
  panels: ChartPanel[]
  /** Size of one panel, px. @default 460 × 300 */
  panelWidth?: number
  panelHeight?: number
}

/** Okabe–Ito: told apart with every common form of colour blindness; dashes and markers differ too. */
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000']
const DASHES = ['', '7 4', '2 3', '9 3 2 3']
const MARKERS = ['circle', 'square', 'triangle', 'diamond'] as const
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

const MARGIN = { left: 74, right: 18, top: 30, bottom: 50 }
/** Inside the plot area, so markers at the ends of the x range are not cut by the axes. */
const INSET = 14
const TITLE_HEIGHT = 34
const LEGEND_ROW = 22
/** Width of an average character at 12 px, for layout (generous: system fonts average about 6.2 px). */
const CHAR_WIDTH = 6.6

/** Text for XML: element content and attribute values alike. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)
}

/** A coordinate, to 0.01 px (no `-0`, no exponent). */
function px(n: number): string {
  const r = Math.round(n * 100) / 100
  return Object.is(r, -0) ? '0' : String(r)
}

/** A value as a label: thousands grouped, `decimals` places, trailing zeros dropped. */
export function formatNumber(value: number, decimals = 2): string {
  if (!Number.isFinite(value)) return String(value)
  const fixed = Math.abs(value).toFixed(decimals)
  const [whole, fraction = ''] = fixed.split('.')
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  const frac = fraction.replace(/0+$/, '')
  const text = frac ? `${grouped}.${frac}` : grouped
  return value < 0 && Number(fixed) !== 0 ? `−${text}` : text
}

/** Ticks from 0 to a round maximum at or above `max`: steps of 1, 2, 2.5 or 5 × 10ⁿ, about 5 of them. */
export function niceTicks(max: number, target = 5): { ticks: number[]; top: number; decimals: number } {
  if (!(max > 0) || !Number.isFinite(max)) return { ticks: [0, 0.25, 0.5, 0.75, 1], top: 1, decimals: 2 }
  const raw = max / target
  const magnitude = 10 ** Math.floor(Math.log10(raw))
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude
  const count = Math.max(1, Math.ceil(max / step - 1e-9))
  const places = step.toFixed(10).replace(/0+$/, '')
  const decimals = places.endsWith('.') ? 0 : places.length - places.indexOf('.') - 1
  const ticks = Array.from({ length: count + 1 }, (_, i) => Number((i * step).toFixed(decimals)))
  return { ticks, top: count * step, decimals }
}

function tickOf(t: ChartTick): { value: number; label: string } {
  return typeof t === 'number' ? { value: t, label: formatNumber(t) } : t
}

function slug(text: string): string {
  return (
    text
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'chart'
  )
}

function marker(kind: (typeof MARKERS)[number], colour: string): string {
  switch (kind) {
    case 'circle':
      return `<circle r="4" fill="${colour}"/>`
    case 'square':
      return `<rect x="-3.5" y="-3.5" width="7" height="7" fill="${colour}"/>`
    case 'triangle':
      return `<path d="M0 -4.6L4.2 3.4H-4.2Z" fill="${colour}"/>`
    case 'diamond':
      return `<path d="M0 -5L5 0L0 5L-5 0Z" fill="${colour}"/>`
  }
}

/** Renders the chart as an SVG document (a string beginning with `<svg`). */
export function renderLineChart(chart: LineChart): string {
  const panelWidth = chart.panelWidth ?? 460
  const panelHeight = chart.panelHeight ?? 300
  const panels = chart.panels.length ? chart.panels : [{ title: '', y: { label: '', unit: '' }, series: [] }]
  const log = chart.x.scale === 'log'
  const usable = (p: ChartPoint) => Number.isFinite(p.x) && (!log || p.x > 0)

  // One legend entry per series name, in order of first appearance; its style is the same in every panel.
  const names: string[] = []
  for (const panel of panels) for (const s of panel.series) if (!names.includes(s.name)) names.push(s.name)
  const style = (name: string) => {
    const i = names.indexOf(name)
    return { colour: COLOURS[i % COLOURS.length]!, dash: DASHES[i % DASHES.length]!, marker: MARKERS[i % MARKERS.length]! }
  }

  // The x domain: the ticks asked for and every usable x of the data.
  const dataXs = panels.flatMap((p) => p.series.flatMap((s) => s.points.filter(usable).map((pt) => pt.x)))
  const ticks = (chart.x.ticks ?? [...new Set(dataXs)].sort((a, b) => a - b)).map(tickOf).filter((t) => Number.isFinite(t.value) && (!log || t.value > 0))
  const xs = [...dataXs, ...ticks.map((t) => t.value)]
  const t = (x: number) => (log ? Math.log10(x) : x)
  const lo = xs.length ? Math.min(...xs.map(t)) : 0
  const hi = xs.length ? Math.max(...xs.map(t)) : 1
  const plotW = panelWidth - MARGIN.left - MARGIN.right
  const plotH = panelHeight - MARGIN.top - MARGIN.bottom
  const xAt = (x: number) => MARGIN.left + INSET + (hi === lo ? 0.5 : (t(x) - lo) / (hi - lo)) * (plotW - 2 * INSET)
  // Thin out tick labels that would collide (every tick keeps its grid line).
  const labelEvery = Math.max(
    1,
    Math.ceil(ticks.reduce((w, tk) => Math.max(w, tk.label.length * CHAR_WIDTH + 10), 0) / ((plotW - 2 * INSET) / Math.max(1, ticks.length - 1))),
  )

  // Legend: wraps onto more rows when the names do not fit on one.
  const totalWidth = panelWidth * panels.length
  const legendItems: Array<{ name: string; x: number; row: number }> = []
  let lx = MARGIN.left
  let row = 0
  for (const name of names) {
    const w = 34 + name.length * CHAR_WIDTH + 22
    if (lx + w > totalWidth - MARGIN.right && lx > MARGIN.left) {
      row += 1
      lx = MARGIN.left
    }
    legendItems.push({ name, x: lx, row })
    lx += w
  }
  const legendHeight = names.length ? (row + 1) * LEGEND_ROW + 6 : 0
  const titleHeight = TITLE_HEIGHT + (chart.subtitle ? 16 : 0)
  const top = titleHeight + legendHeight
  const height = top + panelHeight
  const id = slug(chart.title)

  const out: string[] = []
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${totalWidth}" height="${height}" viewBox="0 0 ${totalWidth} ${height}" role="img" aria-labelledby="${id}-title ${id}-desc" font-family="${escapeXml(FONT)}" font-size="12">`,
    `<title id="${id}-title">${escapeXml(chart.title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(chart.description)}</desc>`,
    `<rect width="${totalWidth}" height="${height}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="22" font-size="16" font-weight="600" fill="#111111">${escapeXml(chart.title)}</text>`,
  )
  if (chart.subtitle) out.push(`<text x="${MARGIN.left}" y="40" font-size="11" fill="#555555">${escapeXml(chart.subtitle)}</text>`)
  if (names.length) {
    out.push(`<g class="legend">`)
    for (const item of legendItems) {
      const s = style(item.name)
      const y = titleHeight + item.row * LEGEND_ROW + 10
      out.push(
        `<g transform="translate(${px(item.x)},${px(y)})">`,
        `<line x1="0" y1="0" x2="28" y2="0" stroke="${s.colour}" stroke-width="2.5"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
        `<g transform="translate(14,0)">${marker(s.marker, s.colour)}</g>`,
        `<text x="34" y="4" fill="#222222">${escapeXml(item.name)}</text>`,
        `</g>`,
      )
    }
    out.push(`</g>`)
  }

  panels.forEach((panel, p) => {
    const values = panel.series.flatMap((s) => s.points.filter((pt) => usable(pt) && pt.y !== null && Number.isFinite(pt.y)).map((pt) => pt.y!))
    const y = niceTicks(values.length ? Math.max(...values) : 0)
    const yAt = (v: number) => MARGIN.top + plotH - (v / y.top) * plotH
    const left = MARGIN.left
    const right = MARGIN.left + plotW
    const bottom = MARGIN.top + plotH
    out.push(`<g class="panel" transform="translate(${panelWidth * p},${top})">`)
    if (panel.title) out.push(`<text x="${left}" y="16" font-size="13" font-weight="600" fill="#222222">${escapeXml(panel.title)}</text>`)
    // y grid, ticks and labels
    out.push(`<g class="y-axis" fill="#444444" text-anchor="end">`)
    for (const v of y.ticks) {
      const yy = px(yAt(v))
      out.push(`<line x1="${left}" y1="${yy}" x2="${right}" y2="${yy}" stroke="${v === 0 ? '#888888' : '#e3e3e3'}" stroke-width="1"/>`)
      out.push(`<text x="${left - 6}" y="${px(yAt(v) + 4)}">${escapeXml(formatNumber(v, y.decimals))}</text>`)
    }
    const yLabel = panel.y.unit ? `${panel.y.label} (${panel.y.unit})` : panel.y.label
    out.push(
      `<text transform="translate(${px(left - 58)},${px(MARGIN.top + plotH / 2)}) rotate(-90)" text-anchor="middle" fill="#222222">${escapeXml(yLabel)}</text>`,
      `</g>`,
    )
    // x ticks and labels
    out.push(`<g class="x-axis" fill="#444444" text-anchor="middle">`)
    ticks.forEach((tk, i) => {
      const xx = px(xAt(tk.value))
      out.push(`<line x1="${xx}" y1="${MARGIN.top}" x2="${xx}" y2="${bottom}" stroke="#f0f0f0" stroke-width="1"/>`)
      out.push(`<line x1="${xx}" y1="${bottom}" x2="${xx}" y2="${bottom + 5}" stroke="#888888" stroke-width="1"/>`)
      // A long label at either end is moved in rather than cut at the panel's edge.
      const half = (tk.label.length * CHAR_WIDTH) / 2
      const lx = Math.min(Math.max(xAt(tk.value), half + 4), panelWidth - half - 4)
      if (i % labelEvery === 0) out.push(`<text x="${px(lx)}" y="${bottom + 18}">${escapeXml(tk.label)}</text>`)
    })
    out.push(
      `<line x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="#888888" stroke-width="1"/>`,
      `<line x1="${left}" y1="${MARGIN.top}" x2="${left}" y2="${bottom}" stroke="#888888" stroke-width="1"/>`,
      `<text x="${px(left + plotW / 2)}" y="${bottom + 38}" fill="#222222">${escapeXml(chart.x.label)}${log ? ' (log scale)' : ''}</text>`,
      `</g>`,
    )
    if (!values.length) {
      out.push(`<text x="${px(left + plotW / 2)}" y="${px(MARGIN.top + plotH / 2)}" text-anchor="middle" fill="#777777">no data</text>`)
    }
    // series: lines broken at missing values, then markers on top
    for (const series of panel.series) {
      const s = style(series.name)
      const points = series.points.filter(usable).sort((a, b) => a.x - b.x)
      const segments: ChartPoint[][] = [[]]
      for (const pt of points) {
        if (pt.y === null || !Number.isFinite(pt.y)) {
          if (segments.at(-1)!.length) segments.push([])
        } else segments.at(-1)!.push(pt)
      }
      out.push(`<g class="series" data-series="${escapeXml(series.name)}">`)
      for (const seg of segments) {
        if (seg.length < 2) continue
        out.push(
          `<polyline points="${seg.map((pt) => `${px(xAt(pt.x))},${px(yAt(pt.y!))}`).join(' ')}" fill="none" stroke="${s.colour}" stroke-width="2.5" stroke-linejoin="round"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
        )
      }
      for (const pt of points) {
        if (pt.y === null || !Number.isFinite(pt.y)) continue
        const label = `${series.name}: ${formatNumber(pt.y)} ${panel.y.unit} at ${chart.x.label} ${formatNumber(pt.x)}`
        out.push(
          `<g class="marker" transform="translate(${px(xAt(pt.x))},${px(yAt(pt.y))})"><title>${escapeXml(label)}</title>${marker(s.marker, s.colour)}</g>`,
        )
      }
      out.push(`</g>`)
    }
    out.push(`</g>`)
  })
  out.push(`</svg>`)
  return `${out.join('\n')}\n`
}
