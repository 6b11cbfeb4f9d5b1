import { Box, Center, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Logo } from './Logo';

type Props = {
  title: ReactNode;
  description?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
  testId?: string;
  width?: number;
};

/** Centered card used by the setup, sign-in and invite pages. */
export function AuthLayout({ title, description, children, footer, testId, width = 440 }: Props) {
  const { t } = useTranslation();
  return (
    <Box className="auth-background" data-testid={testId}>
      <a className="skip-link" href="#main-content">
        {t('common.skipToContent')}
      </a>
      <Center mih="100dvh" px="md" py="xl">
        <Stack w="100%" maw={width} gap="lg">
          <Group justify="center" gap="xs">
            <Logo size={32} />
            <Text fw={700} fz="xl">
              Parley
            </Text>
          </Group>
          <Paper
            component="main"
            id="main-content"
            tabIndex={-1}
            withBorder
            shadow="sm"
            radius="md"
            p={{ base: 'lg', sm: 'xl' }}
          >
            <Stack gap="lg">
              <Stack gap={6}>
                <Title order={1} fz="h2">
                  {title}
                </Title>
                {description && (
                  <Text c="dimmed" size="sm">
                    {description}
                  </Text>
                )}
              </Stack>
              {children}
            </Stack>
          </Paper>
          {footer && (
            <Text size="sm" ta="center" c="dimmed">
              {footer}
            </Text>
          )}
        </Stack>
      </Center>
    </Box>
  );
}
