import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { withStore } from '../lazy-store.js';
import { formatCheckReport, formatTable, printableUrl } from '../output.js';
import { resolveTenant, resolveWorkflow } from '../resolve.js';
import { printLines, type CliRun } from '../run.js';
import type { CommandStore } from '../store.js';
import { isVerbose, TENANT_OPTION } from './options.js';

export function registerWorkflows(program: Command, run: CliRun): void {
  const workflows = program.command('workflows').description('the workflows bots run: list them, test their connection');
  const open = (command: Command, fn: (store: CommandStore) => Promise<void>) =>
    withStore(loadConfig(run.io.env), run, { access: 'read', verbose: isVerbose(command) }, fn);

  workflows
    .command('list')
    .description('every workflow: tenant, name, id, kind, base URL (never the API key)')
    .option(...TENANT_OPTION)
    .action((options: { tenant?: string }, command: Command) =>
      open(command, async (store) => {
        const tenants = options.tenant ? [await resolveTenant(store.repos, options.tenant)] : await store.repos.tenants.list();
        const rows: string[][] = [];
        for (const tenant of tenants) {
          for (const w of await store.repos.workflows.list(tenant.id)) rows.push([tenant.slug, w.name, w.id, w.kind, w.responseMode, printableUrl(w.baseUrl)]);
        }
        printLines(run, rows.length ? formatTable(['TENANT', 'NAME', 'ID', 'KIND', 'RESPONSE', 'BASE URL'], rows) : ['No workflows yet.']);
      }),
    );

  workflows
    .command('check')
    .description('test a workflow: API key, app type, required inputs; exit code 0 when every step passes, 1 otherwise')
    .argument('<workflow>', "the workflow's id or name")
    .option(...TENANT_OPTION)
    .action((ref: string, options: { tenant?: string }, command: Command) =>
      open(command, async (store) => {
        const { workflow, tenant } = await resolveWorkflow(store.repos, ref, options.tenant);
        printLines(run, [`Checking workflow ${tenant.slug}/${workflow.name} (${workflow.id}, ${workflow.kind} at ${printableUrl(workflow.baseUrl)})…`]);
        const { createWorkflowClient } = await import('../../workflow-client/create.js');
        const { egressAgentsFor } = await import('../../egress/index.js');
        const egress = egressAgentsFor(loadConfig(run.io.env).egress);
        const report = await createWorkflowClient(workflow, { logger: store.logger, egress }).check().finally(() => {
          egress.httpAgent.destroy();
          egress.httpsAgent.destroy();
        });
        printLines(run, formatCheckReport(report));
        if (!report.ok) run.exitCode = 1;
      }),
    );
}
