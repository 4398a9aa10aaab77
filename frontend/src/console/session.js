// Who is logged in: the account (GET /me) and its region's name, shared by every view.
import { reactive } from 'vue'
import { api } from './api.js'

export const session = reactive({ me: null, regionName: '' })

export async function loadMe() {
  if (!api.signedIn()) {
    session.me = null
    return null
  }
  try {
    session.me = await api.get('/me')
  } catch {
    session.me = null
    return null
  }
  session.regionName = ''
  if (session.me.region_code) {
    try {
      session.regionName = (await api.get(`/regions/${session.me.region_code}`)).name
    } catch { /* the code is shown instead */ }
  }
  return session.me
}

export async function logOut() {
  await api.logout()
  session.me = null
  session.regionName = ''
}

export const hasRole = (...roles) => Boolean(session.me && roles.includes(session.me.role))

// Where a role starts: admins cannot read cases, so they start on the public notice preview.
export const homeOf = (role) => (role === 'admin' ? '/notices' : '/queue')
