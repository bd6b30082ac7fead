import { exactTime, relativeTime } from '../widget/time';
import { h } from './dom';

/** A <time> element: relative words, the exact time on hover and in the datetime attribute. */
export function timeEl(iso: string, lang: string): HTMLTimeElement {
  const t = h('time', { datetime: iso, title: exactTime(iso, lang) }, relativeTime(iso, new Date(), lang));
  return t;
}

export function formatDate(iso: string, lang: string): string {
  return exactTime(iso, lang);
}
