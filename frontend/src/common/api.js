// One way to talk to /api/v1 from every page: JSON in and out, the error envelope turned into an
// ApiError with the server's zh-CN message and field errors, tokens kept per page (applicant or staff),
// an Idempotency-Key on every POST so a retried tap is answered once, one refresh on a 401.

export class ApiError extends Error {
  constructor(status, body, headers = null) {
    super((body && body.message) || (status === 0 ? '网络连接失败，请检查网络后重试' : `请求失败（${status}）`))
    this.status = status
    this.error = body && body.error
    this.errors = (body && body.errors) || {}
    // Seconds to wait before trying again (a lock, a send limit), when the server says.
    const wait = Number(headers && headers.get('Retry-After'))
    this.retryAfter = Number.isFinite(wait) && wait > 0 ? wait : null
  }

  // The first message for a field, for showing under that field.
  field(name) {
    const messages = this.errors[name]
    if (!messages) return ''
    return Array.isArray(messages) ? String(messages[0]) : typeof messages === 'string' ? messages : JSON.stringify(messages)
  }
}

export function newKey() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`
}

export function createClient(storageKey) {
  const load = () => JSON.parse(localStorage.getItem(storageKey) || 'null')
  let tokens = load()

  function setTokens(value) {
    tokens = value ? { access: value.access_token, refresh: value.refresh_token, user: value.user } : null
    if (tokens) localStorage.setItem(storageKey, JSON.stringify(tokens))
    else localStorage.removeItem(storageKey)
  }

  async function send(method, path, { body, form, headers = {}, key, raw } = {}, retried = false) {
    const options = { method, headers: { Accept: 'application/json', ...headers } }
    if (tokens && tokens.access) options.headers.Authorization = `Bearer ${tokens.access}`
    if (method === 'POST') options.headers['Idempotency-Key'] = key || newKey()
    if (form) options.body = form
    else if (body !== undefined) {
      options.headers['Content-Type'] = 'application/json'
      options.body = JSON.stringify(body)
    }
    let response
    try {
      response = await fetch(`/api/v1${path}`, options)
    } catch {
      throw new ApiError(0, null)
    }
    if (response.status === 401 && tokens && tokens.refresh && !retried && !path.startsWith('/auth/')) {
      if (await refresh()) return send(method, path, { body, form, headers, key, raw }, true)
    }
    if (!response.ok) {
      let envelope = null
      try { envelope = await response.json() } catch { /* not JSON: keep the status */ }
      if (response.status === 401) setTokens(null)
      throw new ApiError(response.status, envelope, response.headers)
    }
    if (raw) return response
    if (response.status === 204) return null
    const type = response.headers.get('Content-Type') || ''
    const data = type.includes('json') ? await response.json() : await response.blob()
    const pages = response.headers.get('X-Pagination')
    if (pages && Array.isArray(data)) data.pagination = JSON.parse(pages)
    return data
  }

  async function refresh() {
    try {
      const response = await fetch('/api/v1/auth/refresh', {
        method: 'POST', headers: { 'Content-Type': 'application/json', 'Idempotency-Key': newKey() },
        body: JSON.stringify({ refresh_token: tokens.refresh }),
      })
      if (!response.ok) return false
      const renewed = await response.json()
      setTokens({ ...renewed, user: renewed.user || tokens.user })
      return true
    } catch {
      return false
    }
  }

  return {
    get: (path, options) => send('GET', path, options),
    post: (path, body, options = {}) => send('POST', path, { ...options, body }),
    patch: (path, body, options = {}) => send('PATCH', path, { ...options, body }),
    upload: (path, form, options = {}) => send('POST', path, { ...options, form }),
    // A file the API answers (a PDF, a PNG) as an object URL for <img> or a download link.
    async objectUrl(path) {
      const blob = await send('GET', path, { headers: { Accept: '*/*' } })
      return URL.createObjectURL(blob)
    },
    signedIn: () => Boolean(tokens && tokens.access),
    user: () => tokens && tokens.user,
    setTokens,
    async logout() {
      try { await send('POST', '/auth/logout', { body: { refresh_token: tokens && tokens.refresh } }) } catch { /* gone already */ }
      setTokens(null)
    },
  }
}

// Money strings from the API ("630.00") shown as 元.
export const yuan = (value) => (value === null || value === undefined ? '—' : `${value} 元`)
