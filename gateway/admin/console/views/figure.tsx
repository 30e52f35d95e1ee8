/**
 * A chart as a figure: its title and the period it covers as the caption, the chart, a legend in
 * the page's text (so it reflows on a phone and reads aloud), and the figures as a table for
 * whoever cannot see the chart.
 */
import type { Child } from 'hono/jsx'

export interface LegendEntry {
  key: string
  label: string
  colour: string
}

export function Figure(props: {
  id: string
  title: string
  period: string
  legendTitle?: string
  legend?: LegendEntry[]
  table?: Child
  tableTitle: string
  children?: Child
}) {
  return (
    <figure class="card chart" id={props.id} aria-labelledby={`${props.id}-title`}>
      <figcaption>
        <h2 id={`${props.id}-title`}>{props.title}</h2>
        <p class="period">{props.period}</p>
      </figcaption>
      {props.children}
      {props.legend?.length ? (
        <ul class="legend" aria-label={props.legendTitle}>
          {props.legend.map((entry) => (
            <li data-legend={entry.key}>
              <span class="swatch" style={`background:${entry.colour}`} aria-hidden="true"></span>
              {entry.label}
            </li>
          ))}
        </ul>
      ) : null}
      {props.table ? (
        <details>
          <summary>{props.tableTitle}</summary>
          <div class="scroll">{props.table}</div>
        </details>
      ) : null}
    </figure>
  )
}
