import { Notice } from '../../components/messages'
import { baseName } from '../../lib/format'
import { useWorkspaceStore } from '../../stores/workspace'

/** Says when the open file was from an older version, and where its original is. */
export function MigrationNotice() {
  const migrated = useWorkspaceStore((s) => s.view?.migrated)
  if (!migrated) return null
  const from = `version ${migrated.from} to version ${migrated.to}`
  return (
    <Notice>
      {migrated.backup
        ? `This workspace was updated from ${from}; the original is kept beside it as ${baseName(migrated.backup)}.`
        : `This workspace is from ${from} and was updated for this session only: ${migrated.unsaved ?? 'it could not be saved'}.`}
    </Notice>
  )
}
