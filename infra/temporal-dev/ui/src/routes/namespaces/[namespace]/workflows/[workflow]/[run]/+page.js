import { redirect } from '@sveltejs/kit';

export function load({ url }) {
  throw redirect(307, `${url.pathname.replace(/\/$/, '')}/history`);
}
