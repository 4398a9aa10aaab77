// The signing page (/sign/<token>): Vue 3 with Vant, the usual mobile kit for WeChat H5 pages, and
// signature_pad for the handwriting.
import { createApp } from 'vue'
import { Button, Cell, CellGroup, Checkbox, Field, Loading, NavBar } from 'vant'
// Only the styles of the components used, and not Vant's icon font: it is a data: URL that the pages'
// CSP (font-src falls back to 'self') refuses, with an error in the console. The few marks needed
// (the tick, the outcome signs) are drawn in CSS and SVG instead.
import 'vant/es/style/base.css'
import 'vant/es/badge/index.css'
import 'vant/es/loading/index.css'
import 'vant/es/button/index.css'
import 'vant/es/cell/index.css'
import 'vant/es/cell-group/index.css'
import 'vant/es/checkbox/index.css'
import 'vant/es/field/index.css'
import 'vant/es/nav-bar/index.css'
import '../common/large-text.js'
import './sign.css'
import App from './App.vue'

const app = createApp(App)
for (const component of [Button, Cell, CellGroup, Checkbox, Field, Loading, NavBar]) app.use(component)
app.mount('#app')
