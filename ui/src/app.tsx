/** Routes and the page frame: skip link, navigation for the user's role, language switch, sign-out. */
import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Navigate, NavLink, Route, Routes, useLocation } from 'react-router';
import { AppProvider, OVERSEERS, useApp } from './context';
import { Loading } from './components/common';
import { LoginPage } from './pages/login';
import { InboxPage } from './pages/inbox';
import { TaskPage } from './pages/task';
import { QuoteList, QuotePage } from './pages/quote';
import { CustomerList, CustomerPage, OrderList, OrderPage, RmaList, RmaPage } from './pages/cases';
import { NewRmaPage, PortalHome, RfqPage } from './pages/portal';
import { FinancePage } from './pages/finance';
import { AdminPage } from './pages/admin';
import type { StringKey } from './strings';

// Chart.js is most of the bundle's weight; only the dashboard needs it.
const DashboardPage = lazy(() => import('./pages/dashboard').then((m) => ({ default: m.DashboardPage })));

/** Navigation entries and who sees them. */
const NAV: { to: string; key: StringKey; roles: 'staff' | 'customer' | string[] }[] = [
  { to: '/portal', key: 'navPortal', roles: 'customer' },
  { to: '/portal/rfq', key: 'navNewRfq', roles: 'customer' },
  { to: '/portal/rma', key: 'navNewRma', roles: 'customer' },
  { to: '/inbox', key: 'navInbox', roles: 'staff' },
  { to: '/quotes', key: 'navQuotes', roles: 'staff' },
  { to: '/orders', key: 'navOrders', roles: 'staff' },
  { to: '/rmas', key: 'navRmas', roles: 'staff' },
  { to: '/customers', key: 'navCustomers', roles: ['sales', 'sales_manager', 'finance', 'manager', 'admin'] },
  { to: '/finance', key: 'navFinance', roles: ['finance', 'manager', 'admin'] },
  {
    to: '/dashboard',
    key: 'navDashboard',
    roles: ['manager', 'admin', 'sales_manager', 'finance', 'qa', 'production'],
  },
  { to: '/admin/users', key: 'navAdmin', roles: ['admin'] },
];

function visible(role: string, roles: (typeof NAV)[number]['roles']): boolean {
  if (roles === 'customer') return role === 'customer';
  if (roles === 'staff') return role !== 'customer';
  return roles.includes(role) || OVERSEERS.includes(role);
}

function LanguageSwitch() {
  const { lang, setLang, t } = useApp();
  return (
    <label className="lang">
      {t('language')}{' '}
      <select value={lang} onChange={(e) => setLang(e.target.value === 'zh' ? 'zh' : 'en')}>
        <option value="en">English</option>
        <option value="zh">中文</option>
      </select>
    </label>
  );
}

function Frame({ children }: { children: ReactNode }) {
  const { user, t, lang, signOut, roleName } = useApp();
  return (
    <>
      <a className="skip" href="#main">
        {t('skipToContent')}
      </a>
      <header className="top">
        <span className="brand">{t('appName')}</span>
        {user && (
          <nav aria-label={t('mainNav')}>
            {NAV.filter((n) => visible(user.role, n.roles)).map((n) => (
              <NavLink key={n.to} to={n.to} end={n.to === '/portal'}>
                {t(n.key)}
              </NavLink>
            ))}
          </nav>
        )}
        <div className="me">
          <LanguageSwitch />
          {user && (
            <>
              <span className="hint">
                {t('signedInAs')} {user.displayName}
                {lang === 'zh' ? `（${roleName(user.role)}）` : ` (${roleName(user.role)})`}
              </span>
              <button type="button" onClick={() => void signOut()}>
                {t('signOut')}
              </button>
            </>
          )}
        </div>
      </header>
      <div className="content">{children}</div>
    </>
  );
}

/** Sends anonymous visitors to the sign-in page, remembering where they wanted to go. */
function Protected({ children }: { children: ReactNode }) {
  const { user, checking } = useApp();
  const location = useLocation();
  if (checking) return <Loading />;
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <>{children}</>;
}

function Home() {
  const { user } = useApp();
  return <Navigate to={user?.role === 'customer' ? '/portal' : '/inbox'} replace />;
}

function LoginRoute() {
  const { user, checking } = useApp();
  if (checking) return <Loading />;
  if (user) return <Navigate to={user.role === 'customer' ? '/portal' : '/inbox'} replace />;
  return <LoginPage />;
}

export function App() {
  const p = (el: ReactNode) => <Protected>{el}</Protected>;
  return (
    <AppProvider>
      <BrowserRouter>
        <Frame>
          <Routes>
            <Route path="/login" element={<LoginRoute />} />
            <Route path="/" element={p(<Home />)} />
            <Route path="/inbox" element={p(<InboxPage />)} />
            <Route path="/tasks/:id" element={p(<TaskPage />)} />
            <Route path="/quotes" element={p(<QuoteList />)} />
            <Route path="/quotes/:id" element={p(<QuotePage />)} />
            <Route path="/orders" element={p(<OrderList />)} />
            <Route path="/orders/:id" element={p(<OrderPage />)} />
            <Route path="/rmas" element={p(<RmaList />)} />
            <Route path="/rmas/:id" element={p(<RmaPage />)} />
            <Route path="/customers" element={p(<CustomerList />)} />
            <Route path="/customers/:id" element={p(<CustomerPage />)} />
            <Route path="/portal" element={p(<PortalHome />)} />
            <Route path="/portal/rfq" element={p(<RfqPage />)} />
            <Route path="/portal/rma" element={p(<NewRmaPage />)} />
            <Route path="/finance" element={p(<FinancePage />)} />
            <Route
              path="/dashboard"
              element={p(
                <Suspense fallback={<Loading />}>
                  <DashboardPage />
                </Suspense>,
              )}
            />
            <Route path="/admin/users" element={p(<AdminPage />)} />
            <Route path="*" element={p(<Home />)} />
          </Routes>
        </Frame>
      </BrowserRouter>
    </AppProvider>
  );
}
