/**
 * `dynasync admin-user invite EMAIL --role admin|viewer | list`: named users of the web UI. An
 * invite prints a one-time link (72 hours); opening it sets the user's password. With the embedded
 * database held by `run` or `serve`, the command asks that process (cli/local-admin.ts).
 */
import type { Command } from 'commander';
import { inviteAdminUserAsCli } from '../../api/local/routes.js';
import { listAdminUsers } from '../../store/admin-users.js';
import { userJson } from '../../api/admin/user-routes.js';
import { print, type CliContext } from '../context.js';
import { withStoreOrRunning } from '../local-admin.js';

type UserJson = ReturnType<typeof userJson>;

export function registerAdminUser(program: Command, ctx: CliContext): void {
  const cmd = program.command('admin-user').description('named users of the web UI (admin or viewer)');
  const defaultUrl = `http://${ctx.config.http?.host ?? '127.0.0.1'}:${ctx.config.http?.port ?? 8080}`;

  cmd
    .command('invite <email>')
    .description('invite a user: prints a one-time link that sets their password')
    .option('--role <role>', 'admin (everything) or viewer (read only)', 'viewer')
    .option('--url <url>', 'the address people open the web UI at', defaultUrl)
    .option('--json', 'print JSON')
    .action(async (email: string, o: { role: string; url: string; json?: boolean }) => {
      const body = { email, role: o.role, baseUrl: o.url };
      const r = await withStoreOrRunning(
        ctx,
        (db) => inviteAdminUserAsCli(db, body),
        (ask) => ask<Awaited<ReturnType<typeof inviteAdminUserAsCli>>>('POST', '/admin-users/invite', body),
      );
      if (o.json) return print(ctx, JSON.stringify(r));
      print(
        ctx,
        `Invited ${r.user.email} as ${r.user.role}. Send them this one-time link (valid until ${r.expiresAt}):`,
      );
      print(ctx, `  ${r.link}`);
      print(ctx, 'Opening it sets their password; an earlier link for them no longer works.');
    });

  cmd
    .command('list')
    .description('the users, their role and whether they accepted their invite')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const users = await withStoreOrRunning(
        ctx,
        async (db) => (await listAdminUsers(db)).map(userJson),
        (ask) => ask<UserJson[]>('GET', '/admin-users'),
      );
      if (o.json) return print(ctx, JSON.stringify(users));
      for (const u of users)
        print(
          ctx,
          `${u.email.padEnd(32)} ${u.role.padEnd(7)} ${u.status}${u.lastSignInAt ? `, last sign-in ${u.lastSignInAt}` : ''}`,
        );
    });
}
