/** A horizontal bar chart as server-rendered SVG: no script, readable by screen readers via its title and table fallback. */
export interface Bar {
  label: string
  value: number
  /** Highlighted (an anomaly). */
  alert?: boolean
}

export function BarChart({ title, bars }: { title: string; bars: Bar[] }) {
  const max = Math.max(1, ...bars.map((b) => b.value))
  const row = 22
  const labelWidth = 160
  const width = 560
  const height = bars.length * row + 10
  return (
    <svg role="img" aria-label={title} viewBox={`0 0 ${width} ${height}`} width="100%" style={`max-width:${width}px`}>
      <title>{title}</title>
      {bars.map((bar, i) => {
        const w = Math.max(1, ((width - labelWidth - 60) * bar.value) / max)
        return (
          <g transform={`translate(0 ${i * row + 5})`}>
            <text x={labelWidth - 6} y={14} text-anchor="end">
              {bar.label.length > 24 ? `${bar.label.slice(0, 23)}…` : bar.label}
            </text>
            <rect x={labelWidth} y={2} width={w} height={16} fill={bar.alert ? '#a50e0e' : '#0b57d0'} />
            <text x={labelWidth + w + 4} y={14}>
              {String(bar.value)}
            </text>
          </g>
        )
      })}
    </svg>
  )
}

/** Requests over time per series as small polylines sharing one time axis (hours). */
export function Sparklines({ title, series, buckets }: { title: string; series: Array<{ label: string; points: number[] }>; buckets: number }) {
  const width = 560
  const row = 40
  const labelWidth = 160
  const max = Math.max(1, ...series.flatMap((s) => s.points))
  const step = (width - labelWidth - 10) / Math.max(1, buckets - 1)
  return (
    <svg role="img" aria-label={title} viewBox={`0 0 ${width} ${series.length * row + 10}`} width="100%" style={`max-width:${width}px`}>
      <title>{title}</title>
      {series.map((s, i) => (
        <g transform={`translate(0 ${i * row + 5})`}>
          <text x={labelWidth - 6} y={20} text-anchor="end">
            {s.label.length > 24 ? `${s.label.slice(0, 23)}…` : s.label}
          </text>
          <polyline
            fill="none"
            stroke="#0b57d0"
            stroke-width="2"
            points={s.points.map((p, j) => `${labelWidth + j * step},${32 - (28 * p) / max}`).join(' ')}
          />
        </g>
      ))}
    </svg>
  )
}
