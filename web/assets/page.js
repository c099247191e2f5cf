// What every page does first. Its icon is added here rather than named in each
// HTML file: an icon is not render-blocking, so a late one flashes nothing
// (the stylesheets, which would, stay in the HTML).
import { h } from './dom.js';
import { applyI18n } from './i18n.js';

export function startPage() {
  document.head.append(h('link', { rel: 'icon', type: 'image/svg+xml', href: '/assets/favicon.svg' }));
  applyI18n();
}
