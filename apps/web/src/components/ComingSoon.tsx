import { Badge, Center, List, Paper, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import type { ReactNode } from 'react';

type Props = {
  icon: ReactNode;
  title: string;
  lead: string;
  points: string[];
  badge: string;
  testId?: string;
};

/** A friendly placeholder for a part of the app that is not built yet. */
export function ComingSoon({ icon, title, lead, points, badge, testId }: Props) {
  return (
    <Center py={{ base: 'md', sm: 'xl' }}>
      <Paper withBorder radius="lg" p={{ base: 'lg', sm: 'xl' }} maw={560} w="100%">
        <Stack gap="md" align="flex-start">
          <ThemeIcon size={56} radius="xl" variant="light" color="teal">
            {icon}
          </ThemeIcon>
          <Badge variant="dot" color="teal">
            {badge}
          </Badge>
          <Title order={1} fz="h2" data-testid={testId}>
            {title}
          </Title>
          <Text c="dimmed">{lead}</Text>
          <List spacing={6} size="sm">
            {points.map((point) => (
              <List.Item key={point}>{point}</List.Item>
            ))}
          </List>
        </Stack>
      </Paper>
    </Center>
  );
}
