import { contextBridge, ipcRenderer } from 'electron'
import { createApi } from '../shared/api'

// The window gets the domain API of the contract and nothing else: no
// ipcRenderer, no generic invoke, no Node.
contextBridge.exposeInMainWorld(
  'api',
  createApi({
    invoke: (channel, request) => ipcRenderer.invoke(channel, request),
    subscribe(channel, listener) {
      const forward = (_event: Electron.IpcRendererEvent, payload: unknown) =>
        listener(payload)
      ipcRenderer.on(channel, forward)
      return () => ipcRenderer.removeListener(channel, forward)
    },
  }),
)
