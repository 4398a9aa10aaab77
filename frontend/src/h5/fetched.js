// What a page shows once it is mounted: the answer of one GET, whether it is still loading, and the
// error to show instead.
import { onMounted, ref } from 'vue'
import { api } from './api.js'

export function useFetched(path, initial = []) {
  const data = ref(initial)
  const loading = ref(true)
  const error = ref('')
  onMounted(async () => {
    try { data.value = await api.get(path) } catch (e) { error.value = e.message }
    loading.value = false
  })
  return { data, loading, error }
}
