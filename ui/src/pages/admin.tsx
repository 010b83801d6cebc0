/** Admin: users and their roles from the users API; admins create users and change roles, managers read. */
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api';
import { useApp } from '../context';
import { fieldOfError } from '../lib/schema-form';
import { ErrorBanner, Field, Loading, useLoad } from '../components/common';

interface UserRow {
  id: string;
  email: string;
  displayName: string;
  role: string;
  customerId: string | null;
  active: boolean;
}

interface CustomerLite {
  id: string;
  code?: string;
  name?: string;
}

const ROLES = [
  'customer',
  'sales',
  'sales_manager',
  'engineer',
  'production',
  'qa',
  'warehouse',
  'finance',
  'manager',
  'admin',
];

type FieldErrors = Record<string, string>;

/** Sorts an API error into a message next to one of `fields`, or a banner. */
function sortError(
  e: unknown,
  fields: string[],
  setFieldErrors: (f: FieldErrors) => void,
  setError: (e: unknown) => void,
): void {
  if (e instanceof ApiError && (e.status === 400 || e.status === 409 || e.status === 422)) {
    // A duplicate email (409) belongs next to the email field.
    const field = e.status === 409 && fields.includes('email') ? 'email' : fieldOfError(e, fields);
    if (field) {
      setFieldErrors({ [field]: e.message.replace(/^[\w.[\]]+:\s*/, '') });
      return;
    }
  }
  setError(e);
}

function CustomerSelect({
  customers,
  value,
  onChange,
  props,
}: {
  customers: CustomerLite[];
  value: string;
  onChange: (v: string) => void;
  props: object;
}) {
  const { t } = useApp();
  return (
    <select {...props} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{t('noCustomer')}</option>
      {customers.map((c) => (
        <option key={c.id} value={c.id}>
          {c.name ?? c.code ?? c.id}
        </option>
      ))}
    </select>
  );
}

function CreateUserForm({ customers, onCreated }: { customers: CustomerLite[]; onCreated: () => void }) {
  const { t, roleName } = useApp();
  const empty = { email: '', displayName: '', role: 'sales', customerId: '', password: '' };
  const [form, setForm] = useState(empty);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const set = (key: keyof typeof empty) => (value: string) => setForm((f) => ({ ...f, [key]: value }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFieldErrors({});
    setError(null);
    setCreated(null);
    setBusy(true);
    try {
      const body = {
        email: form.email.trim(),
        displayName: form.displayName,
        role: form.role,
        password: form.password,
        ...(form.customerId && { customerId: form.customerId }),
      };
      const user = await api<UserRow>('/api/users', { body });
      setCreated(user.email);
      setForm(empty);
      onCreated();
    } catch (err) {
      sortError(err, Object.keys(empty), setFieldErrors, setError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-label={t('createUser')}>
      <h2>{t('createUser')}</h2>
      <Field label={t('email')} error={fieldErrors.email}>
        {(p) => (
          <input
            {...p}
            type="email"
            autoComplete="off"
            value={form.email}
            onChange={(e) => set('email')(e.target.value)}
          />
        )}
      </Field>
      <Field label={t('displayName')} error={fieldErrors.displayName}>
        {(p) => <input {...p} value={form.displayName} onChange={(e) => set('displayName')(e.target.value)} />}
      </Field>
      <Field label={t('role')} error={fieldErrors.role}>
        {(p) => (
          <select {...p} value={form.role} onChange={(e) => set('role')(e.target.value)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {roleName(r)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('customer')} error={fieldErrors.customerId} hint={t('customerOnlyForCustomers')}>
        {(p) => <CustomerSelect customers={customers} value={form.customerId} onChange={set('customerId')} props={p} />}
      </Field>
      <Field label={t('initialPassword')} error={fieldErrors.password} hint={t('passwordHint')}>
        {(p) => (
          <input
            {...p}
            type="password"
            autoComplete="new-password"
            value={form.password}
            onChange={(e) => set('password')(e.target.value)}
          />
        )}
      </Field>
      <ErrorBanner error={error} />
      {created && (
        <p role="status" className="banner">
          {t('userCreated', { email: created })}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? t('submitting') : t('createUser')}
      </button>
    </form>
  );
}

/** One user's row: admins change the role (and the customer a customer user belongs to) with a select and save. */
function UserRowView({
  user,
  canEdit,
  customers,
  onSaved,
}: {
  user: UserRow;
  canEdit: boolean;
  customers: CustomerLite[];
  onSaved: () => void;
}) {
  const { t, roleName } = useApp();
  const [role, setRole] = useState(user.role);
  const [customerId, setCustomerId] = useState(user.customerId ?? '');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const customerName = (id: string | null) => (id ? (customers.find((c) => c.id === id)?.name ?? id) : '');
  const changed = role !== user.role || (role === 'customer' && customerId !== (user.customerId ?? ''));
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setFieldErrors({});
    setError(null);
    setBusy(true);
    try {
      await api<UserRow>(`/api/users/${user.id}`, {
        method: 'PATCH',
        body: { role, ...(role === 'customer' && { customerId: customerId || null }) },
      });
      onSaved();
    } catch (err) {
      sortError(err, ['role', 'customerId'], setFieldErrors, setError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <tr>
      <td>{user.email}</td>
      <td>{user.displayName}</td>
      <td>
        {canEdit ? (
          <form className="inline" onSubmit={(e) => void save(e)} aria-label={t('changeRoleOf', { email: user.email })}>
            <Field label={t('roleOf', { email: user.email })} error={fieldErrors.role}>
              {(p) => (
                <select {...p} value={role} onChange={(e) => setRole(e.target.value)}>
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {roleName(r)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {role === 'customer' && (
              <Field label={t('customerOf', { email: user.email })} error={fieldErrors.customerId}>
                {(p) => <CustomerSelect customers={customers} value={customerId} onChange={setCustomerId} props={p} />}
              </Field>
            )}
            <ErrorBanner error={error} />
            <button type="submit" disabled={busy || !changed} aria-label={t('saveRoleOf', { email: user.email })}>
              {busy ? t('submitting') : t('save')}
            </button>
          </form>
        ) : (
          roleName(user.role)
        )}
      </td>
      <td>{customerName(user.customerId)}</td>
      <td>{user.active ? t('active') : t('inactive')}</td>
    </tr>
  );
}

export function AdminPage() {
  const { t, user: me } = useApp();
  const users = useLoad(() => api<{ users: UserRow[] }>('/api/users').then((r) => r.users), []);
  const customers = useLoad(
    () =>
      api<{ customers: CustomerLite[] }>('/api/customers')
        .then((r) => r.customers)
        .catch(() => [] as CustomerLite[]),
    [],
  );
  const isAdmin = me?.role === 'admin';
  const customerList = customers.data ?? [];
  return (
    <main id="main">
      <h1>{t('adminTitle')}</h1>
      <ErrorBanner error={users.error} />
      {users.loading && !users.data && <Loading />}
      <table className="data">
        <thead>
          <tr>
            <th scope="col">{t('email')}</th>
            <th scope="col">{t('displayName')}</th>
            <th scope="col">{t('role')}</th>
            <th scope="col">{t('customer')}</th>
            <th scope="col">{t('colStatus')}</th>
          </tr>
        </thead>
        <tbody>
          {(users.data ?? []).map((u) => (
            // Keyed by role too, so a saved change resets the row's select to what the API now says.
            <UserRowView
              key={`${u.id}:${u.role}:${u.customerId ?? ''}`}
              user={u}
              canEdit={isAdmin}
              customers={customerList}
              onSaved={users.reload}
            />
          ))}
        </tbody>
      </table>
      {isAdmin && <CreateUserForm customers={customerList} onCreated={users.reload} />}
    </main>
  );
}
