/** App-wide state: the signed-in user and the language, with the translation function. */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, onUnauthenticated, type User } from './api';
import { en, fill, zh, type StringKey } from './strings';
import type { Lang } from './lib/history';
import { DEFAULT_TIME_ZONE, formatDate, formatDateTime, formatMoney, todayIn } from './lib/format';
import { DECISIONS, FIELDS, STATUS, VALUES, wordsOf } from './i18n/codes';
import { taskTitle, type TitledTask } from './i18n/server-texts';

/** What `GET /api/config` tells the client about the factory. */
interface FactoryConfig {
  timeZone: string;
  currency: string;
}

interface AppState {
  user: User | null;
  /** True until the first /api/auth/me answered. */
  checking: boolean;
  lang: Lang;
  setLang(lang: Lang): void;
  t(key: StringKey, params?: Record<string, string | number>): string;
  /** A role's name in the current language. */
  roleName(role: string): string;
  /** The factory's time zone (`TIME_ZONE`). */
  zone: string;
  /** An instant in the factory's zone, with the zone named. */
  dateTime(at: string | Date | null | undefined): string;
  /** A calendar date ("2026-12-29") or an instant's day in the factory's zone. */
  date(value: string | null | undefined): string;
  /** Today in the factory's zone, as YYYY-MM-DD. */
  today(): string;
  /** Money from integer minor units. */
  money(minor: number | null | undefined, currency?: string): string;
  /** A stage or status code in words. */
  status(code: string): string;
  /** A decision code in words. */
  decision(code: string): string;
  /** A data field's name in words. */
  field(name: string): string;
  /** An enumerated value (production step, inspection kind …) in words. */
  value(code: string): string;
  /** A task's title in the current language. */
  taskTitle(task: TitledTask): string;
  signIn(email: string, password: string): Promise<User>;
  signOut(): Promise<void>;
}

const AppContext = createContext<AppState | null>(null);

const LANG_KEY = 'smt.lang';

export function AppProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [checking, setChecking] = useState(true);
  const [lang, setLangState] = useState<Lang>(() => (localStorage.getItem(LANG_KEY) === 'zh' ? 'zh' : 'en'));
  const [factory, setFactory] = useState<FactoryConfig>({ timeZone: DEFAULT_TIME_ZONE, currency: 'CNY' });

  useEffect(() => {
    api<FactoryConfig>('/api/config')
      .then(setFactory)
      .catch(() => undefined);
  }, []);

  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }, [lang]);

  useEffect(() => {
    api<User>('/api/auth/me')
      .then(setUser)
      .catch(() => setUser(null))
      .finally(() => setChecking(false));
    return onUnauthenticated(() => setUser(null));
  }, []);

  const setLang = useCallback((next: Lang) => {
    localStorage.setItem(LANG_KEY, next);
    setLangState(next);
  }, []);

  const value = useMemo<AppState>(
    () => ({
      user,
      checking,
      lang,
      setLang,
      t: (key, params) => fill((lang === 'zh' ? zh : en)[key] ?? en[key], params),
      roleName: (role) => {
        const key = `role_${role}` as StringKey;
        return (lang === 'zh' ? zh : en)[key] ?? role;
      },
      zone: factory.timeZone,
      dateTime: (at) => formatDateTime(at, lang, factory.timeZone),
      date: (value) => formatDate(value, lang, factory.timeZone),
      today: () => todayIn(factory.timeZone),
      money: (minor, currency) => formatMoney(minor, currency ?? factory.currency, lang),
      status: (code) => wordsOf(STATUS, code, lang),
      decision: (code) => wordsOf(DECISIONS, code, lang),
      field: (name) => wordsOf(FIELDS, name, lang),
      value: (code) => wordsOf(VALUES, code, lang),
      taskTitle: (task) => taskTitle(task, lang),
      signIn: async (email, password) => {
        const result = await api<{ user: User }>('/api/auth/login', { body: { email, password } });
        setUser(result.user);
        return result.user;
      },
      signOut: async () => {
        try {
          await api('/api/auth/logout', { method: 'POST' });
        } finally {
          setUser(null);
        }
      },
    }),
    [user, checking, lang, setLang, factory],
  );
  return <AppContext.Provider value={value}>{children}</AppContext.Provider>;
}

/** The app state; components call this instead of passing the user and language down. */
export function useApp(): AppState {
  const state = useContext(AppContext);
  if (!state) throw new Error('useApp outside AppProvider');
  return state;
}

/** Staff roles that see everything (same list as the API's overseers). */
export const OVERSEERS = ['manager', 'admin'];
