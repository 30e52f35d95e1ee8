/**
 * Counts over time as server-rendered SVG (no script): one column per interval, stacked by series,
 * or one line per series; a count axis on the left and a time axis along the bottom whose labels
 * are Vietnam wall-clock hours, with the date under the first and wherever the day changes.
 */
import { formatVnDate, formatVnHour, isoVn } from '../vn-time.js'
import { countTicks, formatCount } from './axis.js'

export interface Series {
  key: string
  label: string
  colour: string
  /** One count per interval, oldest first. */
  points: number[]
}

const WIDTH = 640
const HEIGHT = 280
const LEFT = 56
const RIGHT = 12
const TOP = 10
const BOTTOM = 62

export interface TimeChartProps {
  title: string
  /** Start of the first interval (ms since the epoch). */
  start: number
  stepMs: number
  series: Series[]
  mode: 'stacked' | 'lines'
  countTitle: string
  timeTitle: string
  /** Label every n-th interval, counted back from the last (which is always labelled). */
  labelEvery: number
}

export function TimeChart({ title, start, stepMs, series, mode, countTitle, timeTitle, labelEvery }: TimeChartProps) {
  const n = Math.max(1, ...series.map((s) => s.points.length))
  const totals = Array.from({ length: n }, (_, i) => series.reduce((sum, s) => sum + (s.points[i] ?? 0), 0))
  const ticks = countTicks(mode === 'stacked' ? Math.max(0, ...totals) : Math.max(0, ...series.flatMap((s) => s.points)))
  const top = ticks[ticks.length - 1]!
  const plotW = WIDTH - LEFT - RIGHT
  const plotH = HEIGHT - TOP - BOTTOM
  const slot = plotW / n
  const y = (value: number) => TOP + plotH - (plotH * value) / top
  const centre = (i: number) => LEFT + slot * (i + 0.5)
  const labelled = Array.from({ length: n }, (_, i) => i).filter((i) => (n - 1 - i) % labelEvery === 0)
  return (
    <svg role="img" aria-label={title} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" style={`max-width:${WIDTH}px`} data-chart={mode}>
      <title>{title}</title>
      <g data-axis="y">
        {ticks.map((tick) => (
          <>
            <line x1={LEFT} x2={LEFT + plotW} y1={y(tick)} y2={y(tick)} stroke={tick === 0 ? '#1b1f24' : '#e3e6ea'} />
            <text x={LEFT - 6} y={y(tick) + 4} text-anchor="end">
              {formatCount(tick)}
            </text>
          </>
        ))}
        <text transform={`translate(14 ${TOP + plotH / 2}) rotate(-90)`} text-anchor="middle" class="axis-title">
          {countTitle}
        </text>
      </g>
      {mode === 'stacked'
        ? Array.from({ length: n }, (_, i) => {
            let base = 0
            return series.map((s) => {
              const value = s.points[i] ?? 0
              const from = base
              base += value
              return value > 0 ? (
                <rect
                  x={LEFT + slot * i + 1}
                  y={y(base)}
                  width={Math.max(1, slot - 2)}
                  height={y(from) - y(base)}
                  fill={s.colour}
                  data-series={s.key}
                  data-value={String(value)}
                >
                  <title>{`${formatVnHour(start + i * stepMs)}–${formatVnHour(start + (i + 1) * stepMs)} · ${s.label}: ${value}`}</title>
                </rect>
              ) : null
            })
          })
        : series.map((s) => (
            <polyline
              fill="none"
              stroke={s.colour}
              stroke-width="2"
              data-series={s.key}
              points={s.points.map((p, i) => `${centre(i).toFixed(1)},${y(p).toFixed(1)}`).join(' ')}
            >
              <title>{s.label}</title>
            </polyline>
          ))}
      <g data-axis="x">
        <line x1={LEFT} x2={LEFT + plotW} y1={TOP + plotH} y2={TOP + plotH} stroke="#1b1f24" />
        {labelled.map((i, k) => {
          const at = start + i * stepMs
          const previous = k > 0 ? start + labelled[k - 1]! * stepMs : null
          const newDay = previous === null || formatVnDate(previous) !== formatVnDate(at)
          return (
            <>
              <line x1={centre(i)} x2={centre(i)} y1={TOP + plotH} y2={TOP + plotH + 4} stroke="#1b1f24" />
              <text x={centre(i)} y={TOP + plotH + 16} text-anchor="middle" data-tick-time={isoVn(at)}>
                {formatVnHour(at)}
              </text>
              {newDay ? (
                <text x={centre(i)} y={TOP + plotH + 30} text-anchor="middle">
                  {formatVnDate(at).slice(0, 5)}
                </text>
              ) : null}
            </>
          )
        })}
        <text x={LEFT + plotW / 2} y={HEIGHT - 8} text-anchor="middle" class="axis-title">
          {timeTitle}
        </text>
      </g>
    </svg>
  )
}
