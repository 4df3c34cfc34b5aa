import './zod-config'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app'
import './styles/base.css'
import './styles/layout.css'
import './styles/audit.css'
import './styles/detail.css'
import './styles/forms.css'

const root = document.getElementById('root')
if (!root) throw new Error('index.html lost its #root element')

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
