import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { describe, expect, it } from 'vitest'
import { type ChartSeries, formatNumber, type LineChart, niceTicks, renderLineChart } from './svg-chart.js'

const panel = (series: ChartSeries[], unit = 'µs') => ({ title: 'CPU per request', y: { label: 'CPU', unit }, series })
const chart = (series: ChartSeries[], x: Partial<LineChart['x']> = {}, extra: Partial<LineChart> = {}): LineChart => ({
  title: 'Cost per request',
  description: 'A test chart.',
  x: { label: 'connections', ...x },
  panels: [panel(series), panel(series, 'ms')],
  ...extra,
})

/** The markers of each series, per panel, as drawn: one element per line, coordinates in `translate(x,y)`. */
function markers(svg: string): Array<Map<string, Array<{ x: number; y: number }>>> {
  const panels: Array<Map<string, Array<{ x: number; y: number }>>> = []
  let series: string | null = null
  for (const line of svg.split('\n')) {
    if (line.startsWith('<g class="panel"')) panels.push(new Map())
    const named = /^<g class="series" data-series="([^"]*)">/.exec(line)
    if (named) {
      series = named[1]!
      panels.at(-1)!.set(series, [])
    }
    const at = /^<g class="marker" transform="translate\(([-\d.]+),([-\d.]+)\)">/.exec(line)
    if (at && series !== null)
      panels
        .at(-1)!
        .get(series)!
        .push({ x: Number(at[1]), y: Number(at[2]) })
  }
  return panels
}

const increasing = (list: number[]) => list.every((v, i) => i === 0 || v > list[i - 1]!)

describe('renderLineChart: a well-formed, deterministic SVG document', () => {
  const cases: Array<{ name: string; chart: LineChart }> = [
    {
      name: 'two series on a log scale',
      chart: chart(
        [
          { name: 'bare yoga', points: [1, 2, 4, 8, 16, 32, 64].map((x) => ({ x, y: 1000 + x * 10 })) },
          { name: 'gateway', points: [1, 2, 4, 8, 16, 32, 64].map((x) => ({ x, y: 1500 + x * 20 })) },
        ],
        { scale: 'log' },
      ),
    },
    {
      name: 'labelled ticks on a linear scale',
      chart: chart([{ name: 'gateway', points: [1, 2, 3, 4].map((x) => ({ x, y: x * 0.7 })) }], {
        ticks: [
          { value: 1, label: '1 business' },
          { value: 2, label: '2 + population' },
          { value: 3, label: '3 + land' },
          { value: 4, label: '4 + admin units' },
        ],
      }),
    },
    { name: 'an empty series', chart: chart([{ name: 'nothing yet', points: [] }]) },
    { name: 'a single point', chart: chart([{ name: 'one', points: [{ x: 16, y: 1234 }] }], { scale: 'log' }) },
    {
      name: 'only missing values',
      chart: chart([
        {
          name: 'gaps',
          points: [
            { x: 1, y: null },
            { x: 2, y: null },
          ],
        },
      ]),
    },
    { name: 'no series at all', chart: chart([]) },
    { name: 'no panels', chart: { title: 'Empty', description: '', x: { label: 'x' }, panels: [] } },
    { name: 'all zero', chart: chart([{ name: 'flat', points: [1, 2, 3].map((x) => ({ x, y: 0 })) }]) },
    {
      name: 'points a log scale cannot place, and non-finite values',
      chart: chart(
        [
          {
            name: 'odd',
            points: [
              { x: 0, y: 5 },
              { x: -1, y: 5 },
              { x: 10, y: Number.NaN },
              { x: Number.POSITIVE_INFINITY, y: 3 },
              { x: 100, y: 7 },
            ],
          },
        ],
        { scale: 'log' },
      ),
    },
    {
      name: 'markup in every text',
      chart: chart(
        [{ name: `<script>alert("x")</script> & 'y'`, points: [{ x: 1, y: 2 }] }],
        { label: 'a < b & c > d' },
        { title: 'Cost "per" <request> & more', subtitle: "it's <small>", description: '</desc><script/>' },
      ),
    },
    {
      name: 'many series and a long legend',
      chart: chart(Array.from({ length: 9 }, (_, i) => ({ name: `series number ${i} with a long name`, points: [{ x: 1, y: i }] }))),
    },
  ]

  it.each(cases)('$name', ({ chart: c }) => {
    const svg = renderLineChart(c)
    expect(XMLValidator.validate(svg)).toBe(true)
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    expect(svg).not.toMatch(/NaN|Infinity|undefined/)
    expect(svg).not.toMatch(/<script|<image|href=|@import|url\(/)
    expect(renderLineChart(c)).toBe(svg)
    // Accessible name and description, referenced by the root.
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' }).parse(svg) as { svg: Record<string, any> }
    expect(doc.svg['@_role']).toBe('img')
    const [titleId, descId] = String(doc.svg['@_aria-labelledby']).split(' ')
    expect(doc.svg.title['@_id']).toBe(titleId)
    expect(doc.svg.desc['@_id']).toBe(descId)
  })
})

describe('renderLineChart: placement', () => {
  it('places points left to right by x, whatever order they come in, and higher values higher', () => {
    const ys = { 1: 10, 2: 20, 3: 5, 4: 40 } as Record<number, number>
    const svg = renderLineChart(chart([{ name: 's', points: [3, 1, 4, 2].map((x) => ({ x, y: ys[x]! })) }]))
    for (const drawn of markers(svg)) {
      const points = drawn.get('s')!
      expect(points).toHaveLength(4)
      expect(increasing(points.map((p) => p.x))).toBe(true)
      // SVG's y grows downwards: sorting by value must reverse the order of y.
      const byValue = [1, 2, 3, 4].map((x, i) => ({ value: ys[x]!, y: points[i]!.y })).sort((a, b) => a.value - b.value)
      expect(increasing(byValue.map((p) => -p.y))).toBe(true)
    }
  })

  it('spaces doublings evenly on a log scale and proportionally on a linear one', () => {
    const xs = [1, 2, 4, 8, 16, 32, 64]
    const series = [{ name: 's', points: xs.map((x) => ({ x, y: x })) }]
    const gaps = (svg: string) => {
      const drawn = markers(svg)[0]!
        .get('s')!
        .map((p) => p.x)
      return drawn.slice(1).map((x, i) => x - drawn[i]!)
    }
    const log = gaps(renderLineChart(chart(series, { scale: 'log' })))
    for (const gap of log) expect(gap).toBeCloseTo(log[0]!, 1)
    const linear = gaps(renderLineChart(chart(series)))
    linear.forEach((gap, i) => {
      expect(gap / linear[0]!).toBeCloseTo(2 ** i, 1)
    })
  })

  it('draws the line through the points in x order', () => {
    const svg = renderLineChart(
      chart(
        [
          {
            name: 's',
            points: [
              { x: 10, y: 1 },
              { x: 1, y: 2 },
              { x: 100, y: 3 },
            ],
          },
        ],
        { scale: 'log' },
      ),
    )
    const line = /<polyline points="([^"]+)"/.exec(svg)![1]!
    expect(increasing(line.split(' ').map((pair) => Number(pair.split(',')[0])))).toBe(true)
  })

  it('puts a single point inside the plot, without a line', () => {
    const svg = renderLineChart(chart([{ name: 'one', points: [{ x: 16, y: 1234 }] }], { scale: 'log' }))
    const [first, second] = markers(svg)
    for (const drawn of [first!, second!]) {
      const [point, ...rest] = drawn.get('one')!
      expect(rest).toHaveLength(0)
      expect(point!.x).toBeGreaterThan(74)
      expect(point!.x).toBeLessThan(460 - 18)
    }
    expect(svg).not.toContain('<polyline')
  })

  it('breaks the line at a missing value', () => {
    const svg = renderLineChart(
      chart([
        {
          name: 's',
          points: [
            { x: 1, y: 1 },
            { x: 2, y: null },
            { x: 3, y: 3 },
            { x: 4, y: 4 },
          ],
        },
      ]),
    )
    expect(markers(svg)[0]!.get('s')).toHaveLength(3)
    const lines = [...svg.matchAll(/<polyline points="([^"]+)"/g)].map((m) => m[1]!.split(' ').length)
    expect(lines).toEqual([2, 2]) // one segment of two points, in each panel
  })

  it('keeps an empty series in the legend and says when a panel has no data', () => {
    const svg = renderLineChart(chart([{ name: 'nothing yet', points: [] }]))
    expect(svg).toContain('>nothing yet</text>')
    expect(markers(svg)[0]!.get('nothing yet')).toEqual([])
    expect(svg.match(/>no data</g)).toHaveLength(2)
  })
})

describe('renderLineChart: text', () => {
  it('escapes markup in titles, names and labels, and the parsed text is the original', () => {
    const title = `Cost "per" <request> & 'more'`
    const name = `<b>bold</b> & co`
    const svg = renderLineChart(chart([{ name, points: [{ x: 1, y: 2 }] }], { label: 'a < b' }, { title, description: '</desc><svg>' }))
    expect(svg).not.toContain('<b>')
    expect(svg).not.toContain('<request>')
    expect(svg).toContain('&lt;b&gt;bold&lt;/b&gt; &amp; co')
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' }).parse(svg) as { svg: Record<string, any> }
    expect(doc.svg.title['#text']).toBe(title)
    expect(doc.svg.desc['#text']).toBe('</desc><svg>')
  })

  it('names the unit on each y axis and the log scale on the x axis', () => {
    const svg = renderLineChart(chart([{ name: 's', points: [{ x: 1, y: 2 }] }], { scale: 'log' }))
    expect(svg).toContain('>CPU (µs)</text>')
    expect(svg).toContain('>CPU (ms)</text>')
    expect(svg).toContain('>connections (log scale)</text>')
  })
})

describe('niceTicks and formatNumber', () => {
  it.each([
    { max: 0, top: 1, ticks: [0, 0.25, 0.5, 0.75, 1] },
    { max: 7, top: 8, ticks: [0, 2, 4, 6, 8] },
    { max: 10, top: 10, ticks: [0, 2, 4, 6, 8, 10] },
    { max: 0.3, top: 0.3, ticks: [0, 0.1, 0.2, 0.3] },
    { max: 59_231, top: 60_000, ticks: [0, 20_000, 40_000, 60_000] },
    { max: 1234, top: 1250, ticks: [0, 250, 500, 750, 1000, 1250] },
  ])('niceTicks($max) → 0 … $top', ({ max, top, ticks }) => {
    const nice = niceTicks(max)
    expect(nice.top).toBeCloseTo(top, 9)
    expect(nice.ticks).toEqual(ticks)
    expect(nice.top).toBeGreaterThanOrEqual(max)
  })

  it.each([
    { value: 1500, text: '1,500' },
    { value: 1_234_567.891, text: '1,234,567.89' },
    { value: 0.5, text: '0.5' },
    { value: 12, text: '12' },
    { value: -2, text: '−2' },
    { value: -0.001, text: '0' },
  ])('formatNumber($value) → $text', ({ value, text }) => {
    expect(formatNumber(value)).toBe(text)
  })
})
