// 适老化: a large-text mode any phone page can switch on; the choice stays on this phone.
import { ref } from 'vue'
import './large-text.css'

const KEY = 'shjz.largeText'
export const largeText = ref(localStorage.getItem(KEY) === '1')

function apply() {
  document.documentElement.classList.toggle('large-text', largeText.value)
}

export function toggleLargeText() {
  largeText.value = !largeText.value
  localStorage.setItem(KEY, largeText.value ? '1' : '0')
  apply()
}

apply()
