import type { CheckInfo } from '../../../shared/catalogue'
import { StatusBadge } from '../../components/badges'
import { useOpenDetail } from '../../components/finding-button'
import { checkRows, type AuditSnapshot, type Row } from '../../lib/rows'
import { useAuditStore } from '../../stores/audit'

interface CheckBlockProps {
  readonly check: CheckInfo
  readonly snapshot: AuditSnapshot
}

/**
 * A check and its verdict on each target, problems first. It folds to
 * one line when everything passed, so the problems stand out — except an
 * on-demand check, whose button and fresh result the user came for.
 */
export function CheckBlock({ check, snapshot }: CheckBlockProps) {
  const rows = checkRows(check.id, snapshot)
  const tally = tallyRows(rows)
  return (
    <details
      className="check"
      data-check={check.id}
      open={
        snapshot.running ||
        tally.problems > 0 ||
        tally.done === 0 ||
        check.onDemand !== undefined
      }
    >
      <summary className="check-title">
        <span>
          {check.title} <code className="check-id">{check.id}</code>
        </span>
        <span className="check-tally">{tally.text}</span>
      </summary>
      {check.onDemand && <OnDemand check={check} running={snapshot.running} />}
      {rows.length === 0 ? (
        <p className="muted">No targets to check in this workspace.</p>
      ) : (
        <CheckRows title={check.title} rows={rows} />
      )}
    </details>
  )
}

/**
 * The rows of a check. When some targets have problems, the ones that
 * passed fold away beneath them so the problems are what you see.
 */
function CheckRows(props: { title: string; rows: readonly Row[] }) {
  const settled = props.rows.filter(isSettled)
  const rest = props.rows.filter((row) => !isSettled(row))
  const fold = rest.length > 0 && settled.length > 0
  const list = (rows: readonly Row[], label: string) => (
    <ul className="target-list" aria-label={label}>
      {rows.map((row) => (
        <TargetRow key={row.key} row={row} />
      ))}
    </ul>
  )
  if (!fold) return list(props.rows, props.title)
  return (
    <>
      {list(rest, props.title)}
      <details className="check-settled">
        <summary>
          {settled.length} more {settled.length === 1 ? 'host' : 'hosts'} passed
          or did not apply
        </summary>
        {list(settled, `${props.title}: passed`)}
      </details>
    </>
  )
}

/** A target that passed or was skipped: nothing to do there. */
function isSettled(row: Row): boolean {
  return (
    row.state.kind === 'finding' &&
    (row.state.finding.status === 'pass' || row.state.finding.status === 'skip')
  )
}

/**
 * A check with side effects or a long run (a test send, a build) runs
 * only when the user asks, with a button that says what it will do.
 */
function OnDemand(props: { check: CheckInfo; running: boolean }) {
  const start = useAuditStore((s) => s.start)
  return (
    <p className="on-demand">
      <button
        type="button"
        disabled={props.running}
        onClick={() => void start([props.check.id])}
      >
        {props.check.onDemand}
      </button>{' '}
      <span className="muted">
        Not part of the audit:{' '}
        {props.check.onDemandWhy ?? 'it sends real messages.'}
      </span>
    </p>
  )
}

/** "2 fail · 14 pass": what the folded line of a check says. */
function tallyRows(rows: readonly Row[]) {
  const counts = new Map<string, number>()
  for (const row of rows) {
    if (row.state.kind !== 'finding') continue
    const status = row.state.finding.status
    counts.set(status, (counts.get(status) ?? 0) + 1)
  }
  const order = ['fail', 'error', 'warn', 'skip', 'pass'] as const
  const done = [...counts.values()].reduce((a, b) => a + b, 0)
  return {
    done,
    problems:
      (counts.get('fail') ?? 0) +
      (counts.get('error') ?? 0) +
      (counts.get('warn') ?? 0),
    text: order
      .filter((s) => counts.has(s))
      .map((s) => `${counts.get(s)} ${s}`)
      .join(' · '),
  }
}

function TargetRow({ row }: { row: Row }) {
  const open = useOpenDetail()
  const { state } = row
  if (state.kind !== 'finding') {
    return (
      <li className="target-row target-waiting" data-target={row.target}>
        <WaitingBadge kind={state.kind} />
        <span className="target-name">{row.target}</span>
      </li>
    )
  }
  return (
    <li data-target={row.target}>
      <button
        type="button"
        className="target-row"
        onClick={() => open(state.finding)}
      >
        <StatusBadge status={state.finding.status} />
        <span className="target-name">{row.target}</span>
        <span className="target-title">{state.finding.title}</span>
      </button>
    </li>
  )
}

function WaitingBadge({ kind }: { kind: 'checking' | 'waiting' | 'pending' }) {
  if (kind === 'pending') return <StatusBadge status="pending" />
  return (
    <span className={`badge badge-${kind}`}>
      {kind === 'checking' ? 'Checking…' : 'Waiting'}
    </span>
  )
}
