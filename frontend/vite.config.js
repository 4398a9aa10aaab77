// Four pages, each its own entry, built into ../static/pages and served by Flask (app/web/pages.py):
// index.html → / (applicant H5), sign.html → /sign/<token>, console.html → /console, demo.html → /demo.
import { resolve } from 'node:path'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

const page = (name) => resolve(import.meta.dirname, `${name}.html`)

// Vant's icon font is inline (a data: URL) with a CDN copy named after it; the pages' CSP allows
// fonts only from the app and data: URLs, and Chrome reports the refused CDN source as an error,
// so the CDN source is dropped when the stylesheet is built.
const noCdnFont = {
  name: 'no-cdn-font',
  enforce: 'pre',
  transform(code, id) {
    if (!id.includes('/node_modules/vant/') || !id.split('?')[0].endsWith('.css')) return null
    return { code: code.replace(/,\s*url\(\/\/at\.alicdn\.com[^)]*\)\s*format\("woff"\)/g, ''), map: null }
  },
}

export default defineConfig({
  plugins: [noCdnFont, vue()],
  base: '/pages/',
  build: {
    // PAGES_OUT_DIR lets a second checkout or a parallel build write elsewhere (the app reads PAGES_DIR).
    outDir: process.env.PAGES_OUT_DIR || resolve(import.meta.dirname, '../static/pages'),
    emptyOutDir: true,
    // The pages are served under a strict CSP: no inline scripts, so no module preload polyfill either.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      input: { index: page('index'), sign: page('sign'), console: page('console'), demo: page('demo') },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:5000', '/verify': 'http://127.0.0.1:5000' } },
})
