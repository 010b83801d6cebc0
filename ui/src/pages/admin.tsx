/** Admin: users and their roles (from the users API when it exists; the demo accounts otherwise). */
import { api } from '../api';
import { useApp } from '../context';
import { ErrorBanner, Loading, humanize, useLoad } from '../components/common';

interface UserRow {
  id?: string;
  email: string;
  displayName?: string;
  role: string;
  customerId?: string | null;
  active?: boolean;
}

const ROLES = ['customer', 'sales', 'sales_manager', 'engineer', 'production', 'qa', 'warehouse', 'finance', 'manager', 'admin'];

export function AdminPage() {
  const { t } = useApp();
  const users = useLoad(() => api<{ users: UserRow[] } | UserRow[]>('/api/users').then((r) => (Array.isArray(r) ? r : r.users)), []);
  const rows: UserRow[] = users.missing
    ? [...ROLES.map((role) => ({ email: `${role}@demo.local`, role, displayName: `Demo ${role.replace('_', ' ')}` })), { email: 'buyer@demo.local', role: 'customer', displayName: 'Demo buyer' }]
    : (users.data ?? []);
  return (
    <main id="main">
      <h1>{t('adminTitle')}</h1>
      {users.missing && <p className="banner">{t('noUsersApi')}</p>}
      {!users.missing && <ErrorBanner error={users.error} />}
      {users.loading && !users.data && <Loading />}
      <table className="data">
        <thead>
          <tr>
            <th scope="col">{t('email')}</th>
            <th scope="col">{t('displayName')}</th>
            <th scope="col">{t('role')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((u) => (
            <tr key={u.email}>
              <td>{u.email}</td>
              <td>{u.displayName ?? ''}</td>
              <td>{humanize(u.role)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t('role')}</h2>
      <ul>
        {ROLES.map((r) => (
          <li key={r}>
            <code>{r}</code> — {humanize(r)}
          </li>
        ))}
      </ul>
    </main>
  );
}
