import { QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { RequireSession } from './auth/RequireSession';
import { antdLocale } from './i18n/antd-locale';
import { BotsPage } from './pages/BotsPage';
import { HomePage } from './pages/HomePage';
import { NotFoundPage } from './pages/NotFoundPage';
import { SetupPage } from './pages/SetupPage';
import { SignInPage } from './pages/SignInPage';
import { createQueryClient } from './query-client';
import { AppShell } from './shell/AppShell';
import { TenantScope } from './shell/TenantScope';

/** Where the server serves the console (vite.config.ts `base`). */
const BASENAME = '/admin';

export function App() {
  const { i18n } = useTranslation();
  const [queryClient] = useState(createQueryClient);
  return (
    <ConfigProvider locale={antdLocale(i18n.language)}>
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <BrowserRouter basename={BASENAME}>
            <Routes>
              <Route path="/sign-in" element={<SignInPage />} />
              <Route path="/setup" element={<SetupPage />} />
              <Route
                element={
                  <RequireSession>
                    <AppShell />
                  </RequireSession>
                }
              >
                <Route index element={<HomePage />} />
                <Route path="t/:tenantId" element={<TenantScope />}>
                  <Route index element={<Navigate to="bots" replace />} />
                  <Route path="bots" element={<BotsPage />} />
                </Route>
                <Route path="*" element={<NotFoundPage />} />
              </Route>
            </Routes>
          </BrowserRouter>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}
