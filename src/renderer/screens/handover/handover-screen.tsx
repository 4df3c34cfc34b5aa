import { useEffect } from 'react'
import type { ChecklistKind, HandoverItem } from '../../../shared/handover'
import { ErrorText, Notice } from '../../components/messages'
import { useHandoverStore, type ExportFormat } from '../../stores/handover'
import { useWorkspaceStore } from '../../stores/workspace'
import { ItemForm } from './item-form'
import { ItemSummary } from './item-summary'

const GROUPS: readonly { kind: ChecklistKind; title: string }[] = [
  { kind: 'access', title: 'Access to the providers' },
  { kind: 'rotation', title: 'Rotating each secret' },
  { kind: 'runbook', title: 'Runbooks' },
  { kind: 'support', title: 'Support owners' },
]

/**
 * Stage 7: what the person taking over must have before launch — access,
 * rotation steps, runbooks, who answers when — and the document that
 * hands it all over.
 */
export function HandoverScreen() {
  const file = useWorkspaceStore((s) => s.view?.file)
  const { items, loadError, load } = useHandoverStore()
  useEffect(() => void load(), [load, file])
  const done = items?.filter((i) => i.state === 'done').length ?? 0
  return (
    <div className="handover">
      <div className="page-heading">
        <div>
          <h1>Handover</h1>
          <p className="lead">
            Everything the person who looks after the shop needs: who can get
            into what, how to rotate each secret, how to roll back, and who
            answers when something breaks. Each item is saved in the workspace
            file.
          </p>
        </div>
      </div>
      <ExportBar />
      <ErrorText>{loadError}</ErrorText>
      {items && (
        <p className="handover-progress">
          {done} of {items.length} items done
        </p>
      )}
      {items &&
        GROUPS.map((group) => (
          <ItemGroup
            key={group.kind}
            title={group.title}
            items={items.filter((i) => i.kind === group.kind)}
          />
        ))}
    </div>
  )
}

function ExportBar() {
  const { exporting, exported } = useHandoverStore()
  const exportAs = useHandoverStore((s) => s.export)
  const button = (format: ExportFormat, label: string) => (
    <button
      type="button"
      className="button-secondary"
      disabled={exporting !== null}
      onClick={() => void exportAs(format)}
    >
      {exporting === format ? 'Writing…' : label}
    </button>
  )
  return (
    <section className="card export-bar" aria-labelledby="export-title">
      <h2 id="export-title">Handover document</h2>
      <p className="muted">
        The domain’s records as they are now, the latest results, monitoring and
        alerts, owners and hours, runbooks, certificate renewals and where each
        secret is kept — names only, never a value.
      </p>
      <div className="confirm-actions">
        {button('pdf', 'Export PDF…')}
        {button('html', 'Export HTML…')}
        {button('md', 'Export Markdown…')}
      </div>
      {exported?.ok ? (
        <Notice>{exported.message}</Notice>
      ) : (
        <ErrorText>{exported?.message}</ErrorText>
      )}
    </section>
  )
}

function ItemGroup(props: { title: string; items: readonly HandoverItem[] }) {
  if (props.items.length === 0) return null
  return (
    <section className="card handover-group" aria-label={props.title}>
      <h2>{props.title}</h2>
      <ul className="handover-list">
        {props.items.map((item) => (
          <Item key={item.id} item={item} />
        ))}
      </ul>
    </section>
  )
}

function Item({ item }: { item: HandoverItem }) {
  const editing = useHandoverStore((s) => s.editing === item.id)
  return (
    <li className="handover-item" data-item={item.id}>
      {editing ? <ItemForm item={item} /> : <ItemSummary item={item} />}
    </li>
  )
}
