import { useEffect } from 'react';
import { Outlet, useNavigate } from 'react-router';
import { applyLocale } from '../../i18n';
import { registerNavigate } from '../../lib/navigation';
import { useMe } from './api';
import { useRealtime } from './realtime';

/** The root route: wires navigation for non-React code, the profile language and the realtime socket. */
export function SessionRoot() {
  const navigate = useNavigate();
  const me = useMe();
  const sessionId = me.data?.sessionId;
  const locale = me.data?.user.locale;

  useEffect(() => {
    registerNavigate((to, options) => navigate(to, options));
  }, [navigate]);

  useEffect(() => {
    if (me.isSuccess) applyLocale(locale ?? null);
  }, [me.isSuccess, locale]);

  useRealtime(sessionId);

  return <Outlet />;
}
