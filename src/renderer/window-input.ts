import { useEffect } from 'react'
import { matches, SHORTCUTS } from './lib/shortcuts'
import { useAuditStore } from './stores/audit'
import { useNavigation } from './stores/navigation'
import { useWorkspaceStore } from './stores/workspace'

/**
 * What the whole window answers to: the shortcuts of the File menu (for
 * when no native menu has taken them first) and a workspace file dropped
 * anywhere on it.
 */
export function useWindowInput(): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (matches(event, SHORTCUTS.openWorkspace)) {
        event.preventDefault()
        void openWorkspace()
      } else if (matches(event, SHORTCUTS.runAudit)) {
        event.preventDefault()
        runAudit()
      }
    }
    const onDragOver = (event: DragEvent) => {
      if (!event.dataTransfer?.types.includes('Files')) return
      event.preventDefault()
      event.dataTransfer.dropEffect = 'copy'
    }
    const onDrop = (event: DragEvent) => {
      const file = event.dataTransfer?.files[0]
      if (!file) return
      event.preventDefault()
      void openDropped(file)
    }
    window.addEventListener('keydown', onKey)
    window.addEventListener('dragover', onDragOver)
    window.addEventListener('drop', onDrop)
    return () => {
      window.removeEventListener('keydown', onKey)
      window.removeEventListener('dragover', onDragOver)
      window.removeEventListener('drop', onDrop)
    }
  }, [])
}

/** Opens a workspace; a failure shows on the Workspaces screen, by Open. */
async function openWorkspace(path?: string): Promise<void> {
  const workspaces = useWorkspaceStore.getState()
  if (workspaces.busy) return
  await workspaces.open(path, 'open')
  if (useWorkspaceStore.getState().failure)
    useNavigation.getState().go('welcome')
}

function runAudit(): void {
  if (!useWorkspaceStore.getState().view) return
  useNavigation.getState().go('audit')
  void useAuditStore.getState().start()
}

async function openDropped(file: File): Promise<void> {
  const path = await window.files?.pathOf(file)
  if (path) return openWorkspace(path)
  useWorkspaceStore.setState({
    failure: {
      where: 'open',
      message: `Launch Ready could not tell where “${file.name}” is. Use Open workspace… instead.`,
    },
  })
  useNavigation.getState().go('welcome')
}
