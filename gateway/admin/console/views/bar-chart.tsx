/**
 * Horizontal bars as server-rendered SVG (no script): each bar's label above it, its count at its
 * end, and a count axis with round ticks and a title along the bottom.
 */
import { countTicks, formatCount } from './axis.js'

export interface Bar {
  label: string
  value: number
  /** Highlighted (an anomaly). */
  alert?: boolean
}

const WIDTH = 640
const LEFT = 12
const RIGHT = 56
const ROW = 36
const AXIS = 44

export function BarChart({ title, bars, valueTitle }: { title: string; bars: Bar[]; valueTitle: string }) {
  const ticks = countTicks(Math.max(0, ...bars.map((b) => b.value)))
  const top = ticks[ticks.length - 1]!
  const plot = WIDTH - LEFT - RIGHT
  const x = (value: number) => LEFT + (plot * value) / top
  const axisY = bars.length * ROW + 6
  const height = axisY + AXIS
  return (
    <svg role="img" aria-label={title} viewBox={`0 0 ${WIDTH} ${height}`} width="100%" style={`max-width:${WIDTH}px`} data-chart="bars">
      <title>{title}</title>
      {ticks.map((tick) => (
        <line x1={x(tick)} x2={x(tick)} y1={0} y2={axisY} stroke="#e3e6ea" />
      ))}
      {bars.map((bar, i) => (
        <g transform={`translate(0 ${i * ROW})`} data-bar={bar.label}>
          <text x={LEFT} y={13}>
            {bar.label}
          </text>
          <rect x={LEFT} y={17} width={Math.max(1, x(bar.value) - LEFT)} height={14} fill={bar.alert ? '#a50e0e' : '#0b57d0'} />
          <text x={x(bar.value) + 4} y={29} data-value={String(bar.value)}>
            {formatCount(bar.value)}
          </text>
        </g>
      ))}
      <g data-axis="x">
        <line x1={LEFT} x2={LEFT + plot} y1={axisY} y2={axisY} stroke="#1b1f24" />
        {ticks.map((tick) => (
          <>
            <line x1={x(tick)} x2={x(tick)} y1={axisY} y2={axisY + 4} stroke="#1b1f24" />
            <text x={x(tick)} y={axisY + 16} text-anchor="middle">
              {formatCount(tick)}
            </text>
          </>
        ))}
        <text x={LEFT + plot / 2} y={axisY + 36} text-anchor="middle" class="axis-title">
          {valueTitle}
        </text>
      </g>
    </svg>
  )
}

/** The bars' figures as a table beside the chart: what a screen reader or a copy-paste gets. */
export function BarTable({ rows, head, valueHead }: { rows: Bar[]; head: string; valueHead: string }) {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{head}</th>
          <th scope="col">{valueHead}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr>
            <td>{r.label}</td>
            <td>{r.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
