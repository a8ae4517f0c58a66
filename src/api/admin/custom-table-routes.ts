/**
 * Custom tables for the UI: the list with why each can or cannot sync, enable / disable (refused
 * while a cycle runs: 503 cycle_running, try again after it), an enabled table's columns, and a
 * person's custom-table records for the person page.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Db } from '../../store/db/types.js';
import { personCustomRecords } from '../../store/records/custom-queries.js';
import {
  disableCustomTable,
  enableCustomTable,
  listCustomColumns,
  listCustomTables,
  saveCustomColumns,
} from '../../sync/custom-tables.js';
import type { DynamicsAccess } from './dynamics.js';
import { parseInput, positiveId } from './input.js';

const TableParams = z.object({ name: z.string().regex(/^[a-z][a-z0-9]*_[a-z0-9_]+$/, 'a custom table name') });
const names = z.array(z.string().trim().min(1).max(200)).max(2000);
const EnableBody = z.strictObject({ columns: names.optional() });
const ColumnsBody = z.strictObject({ selected: names });

export function registerCustomTableRoutes(app: FastifyInstance, db: Db, dynamics: DynamicsAccess): void {
  app.get('/api/custom-tables', async () => {
    const s = await dynamics.session();
    return { tables: await listCustomTables(db, s.source, await s.userId()) };
  });

  app.post('/api/custom-tables/:name/enable', async (request) => {
    const { name } = parseInput(TableParams, request.params, 'table');
    const b = parseInput(EnableBody, request.body, 'body');
    const s = await dynamics.session();
    return { name, fields: await enableCustomTable(db, s.source, await s.userId(), name, b.columns) };
  });

  app.post('/api/custom-tables/:name/disable', async (request) => {
    const { name } = parseInput(TableParams, request.params, 'table');
    await disableCustomTable(db, name);
    return { name, disabled: true };
  });

  app.get('/api/custom-tables/:name/columns', async (request) => {
    const { name } = parseInput(TableParams, request.params, 'table');
    return { name, fields: await listCustomColumns(db, name) };
  });

  app.put('/api/custom-tables/:name/columns', async (request) => {
    const { name } = parseInput(TableParams, request.params, 'table');
    const b = parseInput(ColumnsBody, request.body, 'body');
    const wanted = new Set(b.selected);
    const current = (await listCustomColumns(db, name)).filter((f) => f.selected).map((f) => f.logicalName);
    const change = {
      add: b.selected.filter((n) => !current.includes(n)),
      remove: current.filter((n) => !wanted.has(n)),
    };
    const s = await dynamics.session();
    return { name, fields: await saveCustomColumns(db, s.source, await s.userId(), name, change) };
  });

  app.get('/api/people/:id/custom-records', async (request) => {
    const { id } = parseInput(z.object({ id: positiveId }), request.params, 'person id');
    const records = await personCustomRecords(db, id);
    return {
      records: records.map((r) => ({
        table: r.table,
        id: r.dynamicsId,
        fields: r.fields,
        via: r.personId === id ? 'person' : 'company',
        updatedAt: r.updatedAt.toISOString(),
      })),
    };
  });
}
