/** Sign-in page. */
import { useState, type FormEvent } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { useApp } from '../context';
import { ApiError } from '../api';
import { Field } from '../components/common';

export function LoginPage() {
  const { t, signIn } = useApp();
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<{ email?: string; password?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setBusy(true);
    try {
      const user = await signIn(email.trim(), password);
      const from = (location.state as { from?: string } | null)?.from;
      void navigate(from && from !== '/login' ? from : user.role === 'customer' ? '/portal' : '/inbox', {
        replace: true,
      });
    } catch (error) {
      if (error instanceof ApiError && (error.field === 'email' || error.field === 'password'))
        setErrors({ [error.field]: error.message.replace(/^\w+:\s*/, '') });
      else setErrors({ form: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="login">
      <form onSubmit={(e) => void submit(e)} className="card" aria-labelledby="login-title">
        <h1 id="login-title">{t('appName')}</h1>
        <Field label={t('email')} error={errors.email}>
          {(p) => (
            <input
              {...p}
              type="email"
              autoComplete="username"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              required
            />
          )}
        </Field>
        <Field label={t('password')} error={errors.password}>
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          )}
        </Field>
        {errors.form && (
          <p role="alert" className="banner error">
            {errors.form}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('signingIn') : t('signIn')}
        </button>
        <p className="hint">{t('demoHint')} engineer@demo.local / demo · buyer@demo.local / demo</p>
      </form>
    </main>
  );
}
