import { useState, type FormEvent } from 'react'
import type { HandoverItem } from '../../../shared/handover'
import type { ChecklistItem } from '../../../shared/workspace'
import { Field } from '../../components/field'
import { ErrorText } from '../../components/messages'
import { useHandoverStore } from '../../stores/handover'
import { useWorkspaceStore } from '../../stores/workspace'

type Draft = Record<
  | 'owner'
  | 'date'
  | 'provider'
  | 'whoCan'
  | 'steps'
  | 'timeZone'
  | 'hours'
  | 'contact'
  | 'note',
  string
>

/**
 * Fills in one checklist item. Only the fields its kind needs are asked
 * for; empty ones are left out of the file. Escape or Cancel keeps what
 * was recorded.
 */
export function ItemForm({ item }: { item: HandoverItem }) {
  const { record, edit, saveError } = useHandoverStore()
  const owners = useWorkspaceStore((s) => s.view?.workspace.owners ?? [])
  const r = item.recorded
  const [done, setDone] = useState(r?.done ?? false)
  const [draft, setDraft] = useState<Draft>({
    owner: r?.owner ?? '',
    date: r?.date ?? '',
    provider: r?.provider ?? '',
    whoCan: r?.whoCan ?? '',
    steps: r?.steps ?? '',
    timeZone: r?.timeZone ?? '',
    hours: r?.hours ?? '',
    contact: r?.contact ?? '',
    note: r?.note ?? '',
  })
  const [saving, setSaving] = useState(false)
  const id = (field: string) => `${item.id}-${field}`
  const field = (name: keyof Draft, label: string, hint?: string) => (
    <Field
      id={id(name)}
      label={label}
      hint={hint}
      value={draft[name]}
      type={name === 'date' ? 'date' : 'text'}
      list={name === 'owner' ? 'handover-owners' : undefined}
      onChange={(e) => setDraft({ ...draft, [name]: e.target.value })}
    />
  )
  async function submit(event: FormEvent) {
    event.preventDefault()
    if (saving) return
    setSaving(true)
    const entry: ChecklistItem = { ...trimmed(draft), id: item.id, done }
    await record(entry)
    setSaving(false)
  }
  return (
    <form
      className="handover-form"
      aria-label={item.title}
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => e.key === 'Escape' && edit(null)}
    >
      <h3>{item.title}</h3>
      <p className="muted">{item.asks}</p>
      <datalist id="handover-owners">
        {owners.map((o) => (
          <option key={o.name} value={o.name} />
        ))}
      </datalist>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={done}
          onChange={(e) => setDone(e.target.checked)}
          autoFocus
        />{' '}
        Done
      </label>
      {field('owner', 'Owner')}
      {field('date', 'Date')}
      {item.kind === 'access' &&
        field(
          'provider',
          'Provider',
          'For example: Gandi, Cloudflare, Vercel.',
        )}
      {item.kind === 'rotation' && field('whoCan', 'Who can rotate it')}
      {item.kind === 'support' && (
        <>
          {field('timeZone', 'Time zone', 'An IANA name, e.g. Europe/London.')}
          {field('hours', 'Hours', 'For example: Mon–Fri 9–18.')}
          {field('contact', 'Contact', 'A phone number, a pager, a channel.')}
        </>
      )}
      {(item.kind === 'rotation' || item.kind === 'runbook') && (
        <div className="field">
          <label htmlFor={id('steps')}>Steps</label>
          <textarea
            id={id('steps')}
            rows={5}
            value={draft.steps}
            onChange={(e) => setDraft({ ...draft, steps: e.target.value })}
          />
        </div>
      )}
      {field('note', 'Note', 'Where the full steps live, if not above.')}
      <div className="confirm-actions">
        {/* Not disabled while saving: a disabled button drops the focus,
            and with it Escape. */}
        <button type="submit" aria-busy={saving}>
          Save to the workspace
        </button>
        <button
          type="button"
          className="button-secondary"
          onClick={() => edit(null)}
        >
          Cancel
        </button>
      </div>
      <ErrorText>{saveError}</ErrorText>
    </form>
  )
}

function trimmed(draft: Draft): Partial<Draft> {
  return Object.fromEntries(
    Object.entries(draft)
      .map(([k, v]) => [k, v.trim()] as const)
      .filter(([, v]) => v !== ''),
  )
}
