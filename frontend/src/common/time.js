// Times come from the API in UTC; people read them in China time, whatever their phone's own zone.
export function chinaTime(value, options = {}) {
  if (!value) return ''
  const at = new Date(value)
  if (Number.isNaN(at.getTime())) return String(value)
  return at.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false, ...options })
}
