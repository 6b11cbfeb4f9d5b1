import { Button, Menu, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconCheck, IconPlus, IconSelector } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { CreateWorkspaceModal } from '../workspaces/CreateWorkspaceModal';
import { useWorkspace } from './workspace-context';

/** The header's workspace menu: every workspace of the person, plus "create workspace". */
export function WorkspaceSwitcher() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { me, membership } = useWorkspace();
  const [createOpened, createModal] = useDisclosure(false);

  return (
    <>
      <Menu position="bottom-start" width={260} shadow="md">
        <Menu.Target>
          <Button
            variant="subtle"
            color="gray"
            rightSection={<IconSelector size={16} aria-hidden />}
            aria-label={t('workspaces.switcherLabel', { name: membership.workspaceName })}
            data-testid="workspace-switcher"
            px="xs"
            miw={0}
            styles={{ label: { overflow: 'hidden' } }}
          >
            <Text
              fw={600}
              size="sm"
              truncate="end"
              maw={{ base: 150, xs: 220, md: 320 }}
              c="var(--mantine-color-text)"
            >
              {membership.workspaceName}
            </Text>
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>{t('workspaces.yourWorkspaces')}</Menu.Label>
          {me.workspaces.map((workspace) => (
            <Menu.Item
              key={workspace.workspaceId}
              onClick={() => navigate(`/w/${workspace.workspaceId}/inbox`)}
              rightSection={
                workspace.workspaceId === membership.workspaceId ? <IconCheck size={16} aria-hidden /> : null
              }
              aria-current={workspace.workspaceId === membership.workspaceId ? 'true' : undefined}
            >
              <Text size="sm" truncate="end">
                {workspace.workspaceName}
              </Text>
              <Text size="xs" c="dimmed">
                {t(`roles.${workspace.role}`)}
              </Text>
            </Menu.Item>
          ))}
          <Menu.Divider />
          <Menu.Item leftSection={<IconPlus size={16} aria-hidden />} onClick={createModal.open}>
            {t('workspaces.create')}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <CreateWorkspaceModal opened={createOpened} onClose={createModal.close} />
    </>
  );
}
