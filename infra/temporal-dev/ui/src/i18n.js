// The package ships its English strings but not the i18next set-up of Temporal's own app; this is ours.
import i18next from 'i18next';
import { i18nNamespaces } from '@temporalio/ui/i18n/index';
import Locales from '@temporalio/ui/i18n/locales/index';

void i18next.init({
  resources: Locales,
  lng: 'en',
  fallbackLng: 'en',
  ns: i18nNamespaces,
  defaultNS: 'common',
  interpolation: { escapeValue: false },
  initImmediate: false,
});
