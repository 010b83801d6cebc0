/** App-wide state: the signed-in user and the language, with the translation function. */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, onUnauthenticated, type User } from './api';
import { en, fill, zh, type StringKey } from './strings';
import type { Lang } from './lib/history';

interface AppState {
  user: User | null;
  /** True until the first /api/auth/me answered. */
  checking: boolean;
  lang: Lang;
  setLang(lang: Lang): void;
  t(key: StringKey, params?: Record<string, string | number>): string;
  /** A role's name in the current language. */
  roleName(role: string): string;
  signIn(email: string, password: string): Promise<User>;
  signOut(): Promise<void>;
}

const AppContext = createContext<AppState | null>(null);

const LANG_KEY = 'smt.lang';

export function AppProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [checking, setChecking] = useState(true);
  const [lang, setLangState] = useState<Lang>(() => (localStorage.getItem(LANG_KEY) === 'zh' ? 'zh' : 'en'));

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
    [user, checking, lang, setLang],
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
