import { redirect } from '@sveltejs/kit';

export function load({ parent }) {
  return parent().then(({ settings }) => {
    throw redirect(307, `/namespaces/${settings.defaultNamespace}/workflows`);
  });
}
