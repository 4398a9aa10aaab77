// A resident ID number (GB 11643): 18 characters, a real birth date, the check digit. Returns the
// problem in plain words, or '' when it looks right.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CHECK = '10X98765432'

export function idNumberProblem(value) {
  const number = String(value || '').toUpperCase()
  if (!/^\d{17}[\dX]$/.test(number)) return '身份证号码应为18位，最后一位可能是X'
  const year = Number(number.slice(6, 10))
  const month = Number(number.slice(10, 12))
  const day = Number(number.slice(12, 14))
  const born = new Date(year, month - 1, day)
  if (year < 1900 || born > new Date() || born.getMonth() !== month - 1 || born.getDate() !== day) {
    return '身份证号码中的出生日期不对，请核对'
  }
  const sum = WEIGHTS.reduce((total, weight, index) => total + weight * Number(number[index]), 0)
  if (CHECK[sum % 11] !== number[17]) return '身份证号码有误，请逐位核对'
  return ''
}
