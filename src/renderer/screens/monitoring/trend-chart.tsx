import { useEffect, useRef } from 'react'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import type { MonitoringView } from '../../../shared/monitoring'

type Trend = MonitoringView['trends'][number]
type Deploy = MonitoringView['deploys'][number]

const DAY_S = 86_400

/**
 * p50 and p95 response times of one page over the last day, minute by
 * minute, with deploys drawn as vertical lines. uPlot draws on a canvas;
 * the figures are also summarised in the label for screen readers.
 */
export function TrendChart(props: {
  trend: Trend
  deploys: readonly Deploy[]
  label: string
}) {
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const element = box.current
    if (!element) return
    const x = props.trend.points.map((p) => p.start / 1000)
    const data: uPlot.AlignedData = [
      x,
      props.trend.points.map((p) => p.p50 ?? null),
      props.trend.points.map((p) => p.p95 ?? null),
    ]
    const deploys = props.deploys.map((d) => d.at / 1000)
    const now = Date.now() / 1000
    const chart = new uPlot(
      {
        width: Math.max(320, element.clientWidth),
        height: 200,
        series: [
          {},
          { label: 'p50 (ms)', stroke: '#2251c4', width: 1.5 },
          { label: 'p95 (ms)', stroke: '#b01f14', width: 1.5 },
        ],
        // Always the whole day, however few samples there are yet.
        scales: { x: { time: true, range: () => [now - DAY_S, now] } },
        axes: [{}, { label: 'ms' }],
        hooks: {
          draw: [
            (u) => {
              const ctx = u.ctx
              ctx.save()
              ctx.strokeStyle = '#7d5300'
              ctx.setLineDash([4, 4])
              for (const at of deploys) {
                const left = u.valToPos(at, 'x', true)
                ctx.beginPath()
                ctx.moveTo(left, u.bbox.top)
                ctx.lineTo(left, u.bbox.top + u.bbox.height)
                ctx.stroke()
              }
              ctx.restore()
            },
          ],
        },
      },
      data,
      element,
    )
    return () => chart.destroy()
  }, [props.trend, props.deploys])
  return (
    <figure className="trend">
      <div ref={box} role="img" aria-label={props.label} />
      <figcaption className="muted">
        {props.deploys.length > 0
          ? `Dashed lines: deploys (${props.deploys.map((d) => d.note).join('; ')}).`
          : 'No deploys marked today.'}
      </figcaption>
    </figure>
  )
}
