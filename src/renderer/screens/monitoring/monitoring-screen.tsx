import { useEffect } from 'react'
import type { MonitoringView, MonitorView } from '../../../shared/monitoring'
import { ErrorText } from '../../components/messages'
import { formatDateTime, formatDuration } from '../../lib/format'
import { useMonitoringStore } from '../../stores/monitoring'
import { useWorkspaceStore } from '../../stores/workspace'
import { TrendChart } from './trend-chart'

const REFRESH_MS = 5_000

const STATE_LABEL: Record<NonNullable<MonitorView['state']>, string> = {
  up: 'Up',
  suspect: 'Failing, re-checking',
  down: 'Down',
  recovering: 'Answering again, re-checking',
  offline: 'You are offline',
}

const STATE_BADGE: Record<NonNullable<MonitorView['state']>, string> = {
  up: 'badge-pass',
  suspect: 'badge-warn',
  down: 'badge-fail',
  recovering: 'badge-warn',
  offline: 'badge-pending',
}

/**
 * Stage 6 after launch: whether the site answers, how fast, what broke
 * and when, what changed in its records, and where alerts go.
 */
export function MonitoringScreen() {
  const file = useWorkspaceStore((s) => s.view?.file)
  const { view, error, load } = useMonitoringStore()
  const running = view?.running ?? false
  useEffect(() => void load(), [load, file])
  // State changes arrive as events; new samples are read every few
  // seconds while the monitors run here.
  useEffect(() => {
    if (!running) return
    const timer = setInterval(() => void load(), REFRESH_MS)
    return () => clearInterval(timer)
  }, [running, load])
  return (
    <div className="monitoring">
      <div className="page-heading">
        <div>
          <h1>Monitoring</h1>
          <p className="lead">
            The pages are checked every few minutes and the certificates and
            records daily. A failure is re-checked, and your connection tested,
            before anyone is alerted.
          </p>
        </div>
        <RunToggle />
      </div>
      <ErrorText>{error}</ErrorText>
      {view && <Dashboard view={view} />}
    </div>
  )
}

function RunToggle() {
  const running = useMonitoringStore((s) => s.view?.running ?? false)
  const busy = useMonitoringStore((s) => s.busy)
  const toggle = useMonitoringStore((s) => s.toggle)
  return (
    <button
      type="button"
      className={running ? 'button-secondary' : 'button-primary'}
      disabled={busy}
      onClick={() => void toggle()}
    >
      {running ? 'Stop monitoring' : 'Start monitoring'}
    </button>
  )
}

function Dashboard({ view }: { view: MonitoringView }) {
  return (
    <>
      <section className="card" aria-labelledby="monitors-title">
        <h2 id="monitors-title">Monitors</h2>
        <p className="muted">
          {view.running
            ? 'Running in this app.'
            : 'Not running in this app. Start it here, or run launch-ready monitor on a machine that stays on.'}
        </p>
        <table className="monitor-table" aria-labelledby="monitors-title">
          <thead>
            <tr>
              <th scope="col">Monitor</th>
              <th scope="col">State</th>
              <th scope="col">Uptime 24 h</th>
              <th scope="col">7 d</th>
              <th scope="col">30 d</th>
              <th scope="col">p50 / p95 today</th>
            </tr>
          </thead>
          <tbody>
            {view.monitors.map((m) => (
              <MonitorRow key={m.id} monitor={m} />
            ))}
          </tbody>
        </table>
      </section>
      {view.trends.map((trend) => (
        <section
          key={trend.monitor}
          className="card"
          aria-label={`Response times of ${trend.monitor}`}
        >
          <h2>Response times today: {trend.monitor.replace(/^uptime /, '')}</h2>
          <TrendChart
            trend={trend}
            deploys={view.deploys}
            label={trendSummary(trend)}
          />
        </section>
      ))}
      <Incidents view={view} />
      <Channels view={view} />
    </>
  )
}

function MonitorRow({ monitor }: { monitor: MonitorView }) {
  const percent = (share?: number) =>
    share === undefined ? '—' : `${(share * 100).toFixed(2)} %`
  const ms = (value?: number) =>
    value === undefined ? '—' : `${Math.round(value)} ms`
  return (
    <tr data-monitor={monitor.id}>
      <th scope="row">
        {monitor.kind === 'uptime'
          ? 'Page'
          : monitor.kind === 'tls'
            ? 'Certificate'
            : monitor.kind === 'synthetic-login'
              ? 'Admin login'
              : 'Records'}
        : <code>{monitor.target}</code>
      </th>
      <td>
        {monitor.state ? (
          <span className={`badge ${STATE_BADGE[monitor.state]}`}>
            {STATE_LABEL[monitor.state]}
          </span>
        ) : (
          <span className="badge badge-pending">Not checked yet</span>
        )}
        {monitor.reason && monitor.state !== 'up' && (
          <span className="monitor-reason"> {monitor.reason}</span>
        )}
      </td>
      <td>{percent(monitor.uptime.day)}</td>
      <td>{percent(monitor.uptime.week)}</td>
      <td>{percent(monitor.uptime.month)}</td>
      <td>
        {ms(monitor.p50)} / {ms(monitor.p95)}
      </td>
    </tr>
  )
}

function Incidents({ view }: { view: MonitoringView }) {
  return (
    <section className="card" aria-labelledby="incidents-title">
      <h2 id="incidents-title">Incidents and changes, last 30 days</h2>
      {view.incidents.length === 0 && view.drift.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul className="incident-list">
          {view.incidents.map((i) => (
            <li key={`${i.monitor}-${i.startedAt}`}>
              <strong>{i.endedAt ? 'Down' : 'Down now'}</strong>{' '}
              {i.monitor.replace(/^\w+ /, '')}: {i.cause} — from{' '}
              {formatDateTime(new Date(i.startedAt).toISOString())}, for{' '}
              {formatDuration(i.durationMs)}
            </li>
          ))}
          {view.drift.map((d) => (
            <li key={`${d.monitor}-${d.at}-${d.record}`}>
              <strong>Changed</strong> {d.record}:{' '}
              <code>{d.before || '(none)'}</code> →{' '}
              <code>{d.after || '(none)'}</code>, on{' '}
              {formatDateTime(new Date(d.at).toISOString())}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

function Channels({ view }: { view: MonitoringView }) {
  const tests = useMonitoringStore((s) => s.tests)
  const test = useMonitoringStore((s) => s.test)
  return (
    <section className="card" aria-labelledby="channels-title">
      <h2 id="channels-title">Where alerts go</h2>
      {view.channels.length === 0 ? (
        <p className="muted">
          No alert channel yet: add one under <code>monitoring.alerts</code> in
          the workspace (Slack, email, a webhook or desktop notifications).
        </p>
      ) : (
        <ul className="channel-list">
          {view.channels.map((c) => (
            <li key={c.name} data-channel={c.name}>
              <strong>{c.name}</strong>{' '}
              <span className="muted">({c.kind})</span>{' '}
              {c.deliveredAt
                ? `last delivered ${formatDateTime(new Date(c.deliveredAt).toISOString())}`
                : 'has not delivered an alert yet'}{' '}
              <button
                type="button"
                className="button-secondary"
                onClick={() => void test(c.name)}
              >
                Send test alert
                <span className="visually-hidden"> to {c.name}</span>
              </button>
              {tests[c.name] && (
                <span
                  role="status"
                  className={tests[c.name]!.ok ? 'test-ok' : 'test-failed'}
                >
                  {' '}
                  {tests[c.name]!.text}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

/** The chart in words: the day's p95 range, for screen readers. */
function trendSummary(trend: MonitoringView['trends'][number]): string {
  const p95s = trend.points.flatMap((p) => (p.p95 === undefined ? [] : [p.p95]))
  if (p95s.length === 0) return 'Response times today: no samples yet.'
  return `Response times today: p95 between ${Math.round(Math.min(...p95s))} and ${Math.round(Math.max(...p95s))} ms over ${p95s.length} minutes.`
}
