// Every page is rendered in the browser; settings, cluster and namespaces come from the server's /api/v1.
import '../app.css';
import '../i18n';
import { fetchCluster } from '@temporalio/ui/services/cluster-service';
import { fetchNamespaces } from '@temporalio/ui/services/namespaces-service';
import { fetchSettings } from '@temporalio/ui/services/settings-service';

export const ssr = false;
export const prerender = false;

export async function load({ fetch }) {
  const settings = await fetchSettings(fetch);
  await fetchNamespaces(settings, fetch);
  const cluster = await fetchCluster(settings, fetch);
  return { settings, cluster, user: {} };
}
