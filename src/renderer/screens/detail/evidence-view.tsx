import type { Evidence, JsonValue } from '../../../shared/finding'
import { formatScalar, humanizeKey, isTimings } from '../../lib/evidence'
import { Timeline } from './timeline'

type JsonObject = { readonly [key: string]: JsonValue }

/** What the check saw, as nested definition lists a person can read. */
export function EvidenceView({ evidence }: { evidence: Evidence }) {
  if (Object.keys(evidence).length === 0) {
    return <p className="muted">This check recorded no measurements.</p>
  }
  return <EvidenceObject value={evidence} />
}

function EvidenceObject({ value }: { value: JsonObject }) {
  return (
    <dl className="evidence">
      {Object.entries(value).map(([name, v]) => (
        <div className="evidence-entry" key={name}>
          <dt>{humanizeKey(name)}</dt>
          <dd>
            <EvidenceValue name={name} value={v} />
          </dd>
        </div>
      ))}
    </dl>
  )
}

function EvidenceValue({ name, value }: { name: string; value: JsonValue }) {
  if (isTimings(name, value)) return <Timeline timings={value} />
  if (Array.isArray(value)) return <EvidenceList items={value} />
  if (value !== null && typeof value === 'object') {
    return <EvidenceObject value={value as JsonObject} />
  }
  return <ScalarValue value={value} />
}

function ScalarValue({ value }: { value: string | number | boolean | null }) {
  const scalar = formatScalar(value)
  switch (scalar.kind) {
    case 'date':
      return (
        <time dateTime={scalar.iso} title={scalar.iso}>
          {scalar.text}
        </time>
      )
    case 'machine':
      return <span className="evidence-machine">{scalar.text}</span>
    case 'block':
      return <pre className="evidence-block">{scalar.text}</pre>
    case 'text':
      return <span>{scalar.text}</span>
  }
}

function EvidenceList({ items }: { items: readonly JsonValue[] }) {
  if (items.length === 0) return <span className="muted">none</span>
  return (
    <ul className="evidence-list">
      {items.map((item, i) => (
        <li key={i}>
          <EvidenceValue name="" value={item} />
        </li>
      ))}
    </ul>
  )
}
