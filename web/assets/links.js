// A join link with a copy button (host and admin pages).
import { h, toast, copyText } from './dom.js';
import { t } from './i18n.js';
import { speaker } from './feed.js';

export function linkItem(name, role, link) {
  const input = h('input', { type: 'text', class: 'link-field', value: link, readOnly: true, attrs: { 'aria-label': t('people.link', { name }) } });
  return h('li', { class: 'link-item', data: { role } },
    h('div', null, speaker(name, role)),
    h('div', { class: 'link-row' }, input,
      h('button', {
        type: 'button', class: 'btn small', text: t('common.copy'),
        on: { click: async () => { toast((await copyText(link)) ? t('common.copied') : t('common.copyFailed')); input.select(); } },
      })));
}
