// Official-account OAuth (网页授权, snsapi_base): send the browser to WeChat's authorize page, come back
// to this page with ?code=&state=, check the state, exchange the code, then take both out of the URL.
import { api } from './api.js'

const STATE = 'shjz.oauthState'
const RETURN = 'shjz.oauthReturn'
const TRIED = 'shjz.oauthTried'

export const inWechat = () => /MicroMessenger/i.test(navigator.userAgent)

function randomState() {
  const bytes = new Uint8Array(16)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

export async function startWechatLogin(returnTo = '/') {
  const config = await api.get('/auth/wechat/config')
  const state = randomState()
  sessionStorage.setItem(STATE, state)
  sessionStorage.setItem(RETURN, returnTo)
  sessionStorage.setItem(TRIED, '1')
  // WeChat wants the parameters in this order and #wechat_redirect at the end.
  const params = new URLSearchParams({
    appid: config.appid, redirect_uri: location.origin + location.pathname, response_type: 'code',
    scope: config.scope, state,
  })
  location.assign(`${config.authorize_url}?${params}#wechat_redirect`)
}

// Whether this page load should go to WeChat by itself (inside WeChat, not tried yet in this tab).
export const shouldAutoLogin = () => inWechat() && !sessionStorage.getItem(TRIED)

// Called once before the router starts. Returns null, or an error message for the log-in page.
export async function finishWechatLogin() {
  const query = new URLSearchParams(location.search)
  const code = query.get('code')
  if (!code && !query.has('state')) return null
  const expected = sessionStorage.getItem(STATE)
  const returnTo = sessionStorage.getItem(RETURN) || '/'
  sessionStorage.removeItem(STATE)
  sessionStorage.removeItem(RETURN)
  let error = null
  if (!code) error = '您取消了微信授权，可改用手机验证码登录'
  else if (!expected || query.get('state') !== expected) error = '登录请求已失效，请重新登录'
  else {
    try {
      api.setTokens(await api.post('/auth/wechat', { code, channel: 'official_account' }))
    } catch (e) {
      error = e.message
    }
  }
  // The code works once and the state is spent: neither stays in the address bar or the history.
  history.replaceState(null, '', location.pathname + '#' + (error ? '/login' : returnTo))
  return error
}
