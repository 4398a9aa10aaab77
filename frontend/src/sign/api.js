// The three calls of the signing page. No log-in here: the link's token is the only credential, and it
// travels in the path of the API call, never in a query string or the page title.
import { createClient } from '../common/api.js'

const api = createClient('shjz.sign')   // holds no tokens: nobody logs in on this page

const path = (token) => `/sign/${encodeURIComponent(token)}`

export const openLink = (token) => api.get(path(token))
export const sendCode = (token) => api.post(`${path(token)}/otp`)
export const submitSignature = (token, body, key) => api.post(path(token), body, { key })

// The token is the last part of /sign/<token>.
export function tokenFromLocation() {
  const parts = window.location.pathname.split('/').filter(Boolean)
  return parts[0] === 'sign' && parts[1] ? decodeURIComponent(parts[1]) : ''
}
