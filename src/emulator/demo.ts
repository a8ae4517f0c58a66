/**
 * For the demo: one account with more contacts than the 5,000-person activity cap, created through
 * the same write path as the Web API (as the sales rep), so it shows up in change tracking.
 */
import type { EmulatorContext, Principal } from './context.js';

export function addDemoFanOut(ctx: EmulatorContext, contacts: number): string {
  const rep = ctx.identity.users().find((u) => u.name === 'rep@contoso.test') ?? ctx.identity.users()[0]!;
  const principal: Principal = { userId: rep.id, name: rep.name, kind: 'user', appId: 'dynasync-local' };
  const accountId = ctx.data.create(principal, 'account', {
    name: 'Northwind Global Holdings',
    address1_city: 'Seattle',
    address1_country: 'United States',
    numberofemployees: 48_000,
    industrycode: 33,
  });
  for (let i = 1; i <= contacts; i++) {
    ctx.data.create(principal, 'contact', {
      firstname: 'Member',
      lastname: `Northwind ${String(i).padStart(5, '0')}`,
      emailaddress1: `member${i}@northwind.example`,
      'parentcustomerid_account@odata.bind': `/accounts(${accountId})`,
    });
  }
  return accountId;
}
