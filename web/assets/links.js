// Links handed out from the host and admin pages: join links with a copy button,
// and the overlay's link with the panels the studio puts on air.
import { h, toast, copyText } from './dom.js';
import { t } from './i18n.js';
import './i18n-desk.js';
import { speaker } from './feed.js';
import { PAGES } from './vocabulary.js';

// What the overlay can show; its URL names those on air (?panels=...).
export const OVERLAY_PANELS = ['question', 'speaker', 'points', 'qr', 'online'];

export function overlayLink(sid, panels) {
  const url = `${location.origin}${PAGES.overlay}${encodeURIComponent(sid)}`;
  const all = OVERLAY_PANELS.every((p) => panels.includes(p));
  return all ? url : `${url}?panels=${OVERLAY_PANELS.filter((p) => panels.includes(p)).join(',')}`;
}

// A read-only field with a copy button.
export function copyRow(link, label) {
  const input = h('input', { type: 'text', class: 'link-field', value: link, readOnly: true, attrs: { 'aria-label': label } });
  const row = h('div', { class: 'link-row' }, input,
    h('button', {
      type: 'button', class: 'btn small', text: t('common.copy'),
      on: { click: async () => { toast((await copyText(input.value)) ? t('common.copied') : t('common.copyFailed')); input.select(); } },
    }));
  return { row, input };
}

export function linkItem(name, role, link) {
  return h('li', { class: 'link-item', data: { role } },
    h('div', null, speaker(name, role)),
    copyRow(link, t('people.link', { name })).row);
}
