import { createHash, randomBytes } from 'node:crypto'
import { crc32, deflateSync } from 'node:zlib'

/**
 * What the world's admin app serves, made once when it starts: the
 * canonical page, its static assets, and the JSON the API answers with.
 * Sizes matter more than content here — the Stage 4 checks judge
 * compression against 1 KB and payloads against 1 MB — but the content
 * reads like a small shop's admin, so a person who opens it knows it.
 */

/** The hashed bundle: long-lived and immutable, with an ETag. */
export const APP_JS = '/static/app.3f9a8c1e.js'
/** Unhashed styles: five minutes, no validators. */
export const STYLES_CSS = '/static/styles.css'
/** The logo: never stored (no-store). */
export const LOGO_PNG = '/static/logo.png'
/** An old script nginx is told not to compress. */
export const LEGACY_JS = '/static/legacy.js'
/** An image on another host: the checks must not fetch it. */
export const FOREIGN_IMAGE = 'https://elsewhere.test/pixel.gif'

/** Sizes the assets are made to, roughly. */
export const ASSET_BYTES = {
  appJs: 40 * 1024,
  stylesCss: 6 * 1024,
  legacyJs: 3 * 1024,
} as const

/** Bytes of the export: 3 MB of JSON, mostly random so gzip cannot shrink it below 1 MB. */
export const EXPORT_BYTES = 3 * 1024 * 1024

/** Side of the square logo, in pixels. */
export const LOGO_SIZE = 32

/** The ETag of a body: a strong validator from its SHA-256. */
export function etagOf(body: Buffer | string): string {
  const hash = createHash('sha256').update(body).digest('base64url')
  return `"${hash.slice(0, 20)}"`
}

/**
 * The canonical page: an admin dashboard shell over 1 KB, referring to
 * every static asset by a root-relative path and to one image elsewhere.
 */
export function shopPage(host: string): string {
  const rows = sampleOrders(12).map(
    (o) =>
      `        <tr><td>${o.id}</td><td>${o.customer}</td>` +
      `<td>${o.status}</td><td>${o.total}</td></tr>`,
  )
  return [
    '<!doctype html>',
    '<html lang="en">',
    '  <head>',
    '    <meta charset="utf-8">',
    '    <meta name="viewport" content="width=device-width, initial-scale=1">',
    `    <title>${host}</title>`,
    `    <link rel="stylesheet" href="${STYLES_CSS}">`,
    `    <script src="${APP_JS}" defer></script>`,
    `    <script src="${LEGACY_JS}" defer></script>`,
    '  </head>',
    '  <body>',
    '    <header class="top-bar">',
    `      <img src="${LOGO_PNG}" alt="Shop" width="${LOGO_SIZE}" height="${LOGO_SIZE}">`,
    `      <h1>${host}</h1>`,
    '      <nav><a href="/orders">Orders</a> <a href="/customers">Customers</a>',
    '        <a href="/inventory">Inventory</a> <a href="/reports">Reports</a></nav>',
    '    </header>',
    '    <main>',
    '      <p>Launch Ready test world: the canonical origin of the shop’s',
    '        admin app, with its static assets and API behind the edge.</p>',
    '      <table class="orders">',
    '        <thead><tr><th>Order</th><th>Customer</th><th>Status</th>',
    '          <th>Total</th></tr></thead>',
    '        <tbody>',
    ...rows,
    '        </tbody>',
    '      </table>',
    '    </main>',
    // A tracking pixel on another host, as shops have; not ours to probe.
    `    <img src="${FOREIGN_IMAGE}" alt="" width="1" height="1">`,
    '  </body>',
    '</html>',
    '',
  ].join('\n')
}

interface SampleOrder {
  readonly id: string
  readonly customer: string
  readonly email: string
  readonly status: string
  readonly total: string
  readonly items: number
  readonly placedAt: string
}

const FIRST_NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Ken']
const LAST_NAMES = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov']
const STATUSES = ['paid', 'packed', 'shipped', 'delivered', 'refunded']

/** `count` orders, the same on every start (no randomness). */
export function sampleOrders(count: number): SampleOrder[] {
  return Array.from({ length: count }, (_, i) => {
    const first = FIRST_NAMES[i % FIRST_NAMES.length]!
    const last = LAST_NAMES[(i * 7) % LAST_NAMES.length]!
    return {
      id: `SO-${10_400 + i}`,
      customer: `${first} ${last}`,
      email: `${first}.${last}${i}@example.test`.toLowerCase(),
      status: STATUSES[(i * 3) % STATUSES.length]!,
      total: `€${((i * 37) % 400) + 9}.${String((i * 13) % 100).padStart(2, '0')}`,
      items: (i % 5) + 1,
      placedAt: new Date(Date.UTC(2026, 0, 1, 9, i)).toISOString(),
    }
  })
}

/** GET /api/orders: about 20 KB. */
export function ordersJson(): string {
  return JSON.stringify({ orders: sampleOrders(120), page: 1, pages: 6 })
}

/** GET /api/customers: personal data, which no shared cache may keep. */
export function customersJson(): string {
  const customers = sampleOrders(60).map((o, i) => ({
    id: `cus_${1000 + i}`,
    name: o.customer,
    email: o.email,
    phone: `+44 20 7946 ${String(i).padStart(4, '0')}`,
    address: `${i + 1} Test Street, London`,
  }))
  return JSON.stringify({ customers })
}

/** GET /api/inventory: stock levels. */
export function inventoryJson(): string {
  const items = Array.from({ length: 40 }, (_, i) => ({
    sku: `SKU-${2000 + i}`,
    name: `Item ${i + 1}`,
    inStock: (i * 17) % 90,
    reorderAt: 10,
  }))
  return JSON.stringify({ items })
}

/**
 * GET /api/export: a JSON array of at least EXPORT_BYTES whose rows each
 * carry a random signature, so gzip leaves it well over 1 MB.
 */
export function exportJson(): string {
  const rows: string[] = []
  let bytes = 2
  for (let i = 0; bytes < EXPORT_BYTES; i++) {
    const row = JSON.stringify({
      id: `SO-${100_000 + i}`,
      total: (i * 37) % 400,
      signature: randomBytes(96).toString('base64'),
    })
    rows.push(row)
    bytes += row.length + 1
  }
  return `[${rows.join(',')}]`
}

/** The bundle: ~40 KB of small view modules, as a bundler writes them. */
export function appJs(): string {
  const views = ['orders', 'customers', 'inventory', 'refunds', 'reports']
  const parts = ['/*! shop-admin 1.4.2 | bundled */', '"use strict";']
  for (let i = 0; parts.join('\n').length < ASSET_BYTES.appJs; i++) {
    parts.push(viewModule(views[i % views.length]!, i))
  }
  parts.push('document.addEventListener("DOMContentLoaded", () => boot());')
  return `${parts.join('\n')}\n`
}

function viewModule(view: string, n: number): string {
  const name = `${view}View${n}`
  return [
    `const ${name} = (() => {`,
    `  const endpoint = "/api/${view}";`,
    '  async function load(signal) {',
    '    const response = await fetch(endpoint, { signal, credentials: "same-origin" });',
    `    if (!response.ok) throw new Error("Could not load ${view}: " + response.status);`,
    '    return response.json();',
    '  }',
    '  function row(item) {',
    '    const tr = document.createElement("tr");',
    '    for (const value of Object.values(item)) {',
    '      const td = document.createElement("td");',
    '      td.textContent = String(value);',
    '      tr.append(td);',
    '    }',
    '    return tr;',
    '  }',
    '  async function render(root, signal) {',
    '    const data = await load(signal);',
    `    const items = data.${view} ?? data.items ?? [];`,
    '    root.replaceChildren(...items.map(row));',
    '  }',
    '  return { load, render };',
    '})();',
  ].join('\n')
}

/** The styles: ~6 KB of component rules. */
export function stylesCss(): string {
  const parts = [
    ':root { --ink: #1d2433; --paper: #fbfbf8; --accent: #2f6fdf; }',
    'body { margin: 0; font: 15px/1.5 system-ui, sans-serif; color: var(--ink); background: var(--paper); }',
  ]
  const blocks = ['top-bar', 'orders', 'card', 'badge', 'button', 'field']
  for (let i = 0; parts.join('\n').length < ASSET_BYTES.stylesCss; i++) {
    const block = blocks[i % blocks.length]!
    parts.push(
      `.${block}--v${i} { padding: ${i % 4}px ${(i % 3) * 4}px; border-radius: ${i % 6}px; }`,
      `.${block}--v${i}:hover { background: color-mix(in srgb, var(--accent) ${i % 30}%, transparent); }`,
    )
  }
  return `${parts.join('\n')}\n`
}

/** An old script, ~3 KB, that predates the bundler. */
export function legacyJs(): string {
  const parts = ['/* legacy helpers, kept for the old order screen */']
  for (let i = 0; parts.join('\n').length < ASSET_BYTES.legacyJs; i++) {
    parts.push(
      `function legacyFormat${i}(value) {`,
      '  var text = value == null ? "" : String(value);',
      `  return text.length > ${20 + i} ? text.slice(0, ${20 + i}) + "…" : text;`,
      '}',
    )
  }
  return `${parts.join('\n')}\n`
}

/**
 * A real PNG (RFC 2083): a LOGO_SIZE square, a blue disc on white, 8-bit
 * RGB, one IDAT chunk. Small enough that compression does not matter.
 */
export function logoPng(): Buffer {
  const size = LOGO_SIZE
  const rows: Buffer[] = []
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3) // filter byte 0: none
    for (let x = 0; x < size; x++) {
      const inside = (x - 15.5) ** 2 + (y - 15.5) ** 2 < 14 ** 2
      const [r, g, b] = inside ? [0x2f, 0x6f, 0xdf] : [0xff, 0xff, 0xff]
      row.set([r, g, b], 1 + x * 3)
    }
    rows.push(row)
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header.set([8, 2, 0, 0, 0], 8) // depth 8, RGB, deflate, no filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.concat(rows))),
    pngChunk('IEND', Buffer.alloc(0)),
  ])
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(typed))
  return Buffer.concat([length, typed, crc])
}
