// Plain words for everything that can go wrong on the signing page. The server's zh-CN message is
// shown where it is already a good sentence for the person holding the phone; otherwise these.

export const LINK_GONE = {
  title: '签署链接已失效',
  text: '这个链接已过期、已经签署过，或者申请人已重新发送了新的链接。签署链接发出后72小时内有效，且只能使用一次。',
  next: '如果您还没有签署，请联系邀请您的家人，请对方在“社会救助掌上办”里重新发送签署链接或二维码；如果您已经签署完成，无需再做什么。',
}

export const NETWORK = '网络连接失败，请检查手机网络后再试。'

// "in 10 minutes (around 14:35)" from a number of seconds.
export function waitWords(seconds) {
  if (!seconds) return '请稍后再试'
  const until = new Date(Date.now() + seconds * 1000)
  const clock = until.toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false })
  if (seconds < 120) return `请${seconds}秒后再试`
  return `请约${lockWords(seconds)}后（${clock}以后）再试`
}

// "10分钟" / "45秒" for a short wait.
export const lockWords = (seconds) => (seconds < 120 ? `${seconds}秒` : `${Math.max(1, Math.round(seconds / 60))}分钟`)

// The link is dead whatever the reason: the server never says which (unknown, expired, used, replaced).
export const linkGone = (error) => error.status === 404 || error.status === 410 || error.error === 'LINK_INVALID'

export function codeSendProblem(error) {
  if (error.status === 0) return NETWORK
  if (error.status === 429) return `验证码发送过于频繁，${waitWords(error.retryAfter)}。`
  if (error.status >= 500) return '短信服务暂时不可用，请稍后再点“获取验证码”。'
  return error.message
}

// What to say after a refused signature, and where: {banner, fields: {name, id_number, otp_code, signature, agree}}.
export function signProblem(error) {
  const fields = {}
  switch (error.error) {
    case 'IDENTITY_MISMATCH':
      fields.name = fields.id_number = '与申请时登记的信息不一致'
      return { banner: '姓名或身份证号码与申请时登记的信息不一致，请核对后重新输入（如有生僻字或少数民族姓名，请按身份证填写）。', fields }
    case 'OTP_INVALID':
      fields.otp_code = '验证码不正确或已过期'
      return { banner: '短信验证码不正确或已过期（5分钟内有效）。请核对短信后重新输入，或重新获取验证码。', fields }
    case 'OTP_LOCKED':
      fields.otp_code = '错误次数过多，已暂时锁定'
      return { banner: `验证码或身份信息错误次数过多，为保护您的信息安全，签署已暂时锁定。${waitWords(error.retryAfter)}。`, fields, locked: error.retryAfter || 600 }
    case 'IDEMPOTENCY_KEY_REUSED':
    case 'REQUEST_IN_PROGRESS':
      return { banner: '上一次提交还在处理中，请稍等几秒后再点“确认签署”。', fields }
    default:
      break
  }
  if (error.status === 0) {
    return { banner: '网络连接失败，签署可能还没有完成。请检查网络后再次点击“确认签署”，不会重复签署。', fields, retry: true }
  }
  if (error.status === 429) return { banner: `操作过于频繁，${waitWords(error.retryAfter)}。`, fields }
  if (error.status === 413 || error.status === 415) {
    fields.signature = '签名图片无法提交'
    return { banner: '签名图片无法提交，请点“清除”后重新签名。', fields }
  }
  if (error.status >= 500) {
    return { banner: '系统暂时繁忙，本次签署没有完成。请稍后再次点击“确认签署”。', fields, retry: true }
  }
  // 422 with field errors: put each where it belongs.
  const map = { name: 'name', id_number: 'id_number', otp_code: 'otp_code', agree: 'agree',
    'signature.png_base64': 'signature', 'signature.strokes': 'signature', signature: 'signature' }
  for (const [name, target] of Object.entries(map)) {
    const text = error.field(name)
    if (text) fields[target] = text
  }
  return { banner: error.message || '提交的信息有误，请检查后重新提交。', fields }
}
