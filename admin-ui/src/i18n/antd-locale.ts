import type { Locale } from 'antd/es/locale';
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
import { toSupportedLanguage } from './index';

/** antd's own texts (pagination, empty states, confirm buttons) in the console's language. */
export function antdLocale(language: string): Locale {
  return toSupportedLanguage(language) === 'zh-CN' ? zhCN : enUS;
}
