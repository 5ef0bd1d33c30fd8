import { Flex } from 'antd';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useMe, useSetupStatus, type Me } from '../api/auth';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageLoading } from '../components/PageLoading';

/** Renders its children for a signed-in user; sends everyone else to setup (fresh server) or to sign-in. */
export function RequireSession({ children }: { children: ReactNode }) {
  const me = useMe();
  const setup = useSetupStatus();
  const location = useLocation();
  if (me.isPending) return <PageLoading />;
  if (me.error) {
    return (
      <Flex justify="center" style={{ padding: 48 }}>
        <ErrorAlert error={me.error} onRetry={() => void me.refetch()} />
      </Flex>
    );
  }
  if (me.data) return children;
  if (setup.isPending) return <PageLoading />;
  if (setup.data?.needed) return <Navigate to="/setup" replace />;
  return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
}

/** The signed-in user, inside RequireSession. */
export function useSignedIn(): Me {
  const { data } = useMe();
  if (!data) throw new Error('useSignedIn outside RequireSession');
  return data;
}
