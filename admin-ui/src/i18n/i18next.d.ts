import 'i18next';
import type enUS from './locales/en-US.json';

// Keys are checked at compile time: t('bots.titel') does not build.
declare module 'i18next' {
  interface CustomTypeOptions {
    resources: { translation: typeof enUS };
  }
}
