/**
 * `dynasync webhook register|status|remove`: one Dataverse webhook (HttpHeader authentication with
 * a random key) and its steps: Create, Update and Delete of every synced table, post-operation,
 * asynchronous. The key is sealed with the secret box and kept in settings; the receiver
 * (api/hooks) checks every notification against it. Registration goes out through the
 * registration writer only (dataverse/webhook-registration.ts): it configures Dynamics and writes
 * no record, so it does not pass through the sender.
 */
import { randomBytes } from 'node:crypto';
import { CYCLE_ORDER, FatalError, isSyncError } from '../domain/index.js';
import type { Logger } from '../config/index.js';
import { DataverseWebhookRegistration, STEP_MESSAGES, type StepMessage } from '../dataverse/webhook-registration.js';
import type { StoredConnection } from '../store/connection-repo.js';
import { connectionSettings } from './session.js';
import type { Db } from '../store/db/types.js';
import type { SecretBox } from '../store/secrets.js';
import { deleteSetting, getSetting, setSetting } from '../store/settings-repo.js';

/** The header Dataverse sends the key in (authtype 5, HttpHeader). */
export const WEBHOOK_HEADER = 'x-dynasync-key';
export const WEBHOOK_NAME = 'dynasync push';
const SETTING = 'push_webhook';

export interface StoredWebhook {
  readonly url: string;
  readonly sealedKey: string;
  /** null when the sync user could not register it: an administrator did it by hand. */
  readonly endpointId: string | null;
  readonly steps: readonly { id: string; table: string; message: StepMessage }[];
  readonly registeredAt: string;
}

export type RegisterResult =
  | { readonly kind: 'registered'; readonly endpointId: string; readonly steps: number }
  /** The sync user lacks the privilege: the key is stored, the administrator registers by hand. */
  | { readonly kind: 'manual'; readonly key: string; readonly instructions: string };

export function registrationFor(connection: StoredConnection, logger: Logger): DataverseWebhookRegistration {
  return new DataverseWebhookRegistration({
    settings: connectionSettings(connection),
    logger,
  });
}

export const loadWebhook = (db: Db): Promise<StoredWebhook | undefined> => getSetting<StoredWebhook>(db, SETTING);

/** The key notifications must carry, or null when push is not set up. */
export async function loadWebhookKey(db: Db, box: SecretBox): Promise<string | null> {
  const w = await loadWebhook(db);
  return w ? box.open(w.sealedKey) : null;
}

export async function registerWebhook(
  db: Db,
  box: SecretBox,
  dv: DataverseWebhookRegistration,
  url: string,
): Promise<RegisterResult> {
  const existing = await loadWebhook(db);
  if (existing)
    throw new FatalError(
      'webhook_registered',
      `A webhook is already registered (to ${existing.url}): run \`dynasync webhook remove\` first.`,
    );
  const key = randomBytes(32).toString('base64url');
  const base = { url, sealedKey: box.seal(key), registeredAt: new Date().toISOString() };
  let endpointId: string;
  try {
    endpointId = await dv.createEndpoint({ name: WEBHOOK_NAME, url, header: WEBHOOK_HEADER, key });
  } catch (err) {
    if (!isSyncError(err) || err.code !== 'privilege_denied') throw err;
    await setSetting(db, SETTING, { ...base, endpointId: null, steps: [] } satisfies StoredWebhook);
    return { kind: 'manual', key, instructions: manualSteps(url, key, err.message) };
  }
  const steps: { id: string; table: string; message: StepMessage }[] = [];
  try {
    const messages = await dv.messageIds();
    for (const table of CYCLE_ORDER)
      for (const message of STEP_MESSAGES) {
        const filterId = await dv.filterId(messages[message], table);
        const name = `dynasync push: ${message} of ${table}`;
        steps.push({
          id: await dv.createStep({ name, messageId: messages[message], filterId, endpointId }),
          table,
          message,
        });
      }
  } catch (err) {
    // Half a registration is worse than none: take the endpoint (and the steps made) back out.
    await undo(
      dv,
      endpointId,
      steps.map((s) => s.id),
    );
    if (isSyncError(err) && err.code === 'privilege_denied') {
      await setSetting(db, SETTING, { ...base, endpointId: null, steps: [] } satisfies StoredWebhook);
      return { kind: 'manual', key, instructions: manualSteps(url, key, err.message) };
    }
    throw err;
  }
  await setSetting(db, SETTING, { ...base, endpointId, steps } satisfies StoredWebhook);
  return { kind: 'registered', endpointId, steps: steps.length };
}

export interface WebhookCheck {
  readonly endpointFound: boolean;
  readonly stepsFound: number;
  readonly error?: string;
}

/** Whether Dynamics still has the endpoint and its steps (status --online). */
export async function checkWebhook(w: StoredWebhook, dv: DataverseWebhookRegistration): Promise<WebhookCheck> {
  if (!w.endpointId) return { endpointFound: false, stepsFound: 0 };
  try {
    const endpoint = await dv.endpoint(w.endpointId);
    if (!endpoint) return { endpointFound: false, stepsFound: 0 };
    return { endpointFound: true, stepsFound: (await dv.steps(w.endpointId)).length };
  } catch (err) {
    return { endpointFound: false, stepsFound: 0, error: err instanceof Error ? err.message : String(err) };
  }
}

/** Removes the steps, then the endpoint, then the stored key; what Dynamics no longer has is skipped. */
export async function removeWebhook(db: Db, dv: DataverseWebhookRegistration | null): Promise<{ removed: boolean }> {
  const w = await loadWebhook(db);
  if (!w) return { removed: false };
  if (w.endpointId && dv) {
    const steps = await dv.steps(w.endpointId).catch(() => w.steps.map((s) => ({ id: s.id })));
    await undo(
      dv,
      w.endpointId,
      steps.map((s) => s.id),
      true,
    );
  }
  await deleteSetting(db, SETTING);
  return { removed: true };
}

async function undo(dv: DataverseWebhookRegistration, endpointId: string, stepIds: string[], strict = false) {
  const gone = (err: unknown) => isSyncError(err) && err.code === 'not_found';
  for (const id of stepIds)
    await dv.deleteStep(id).catch((err: unknown) => {
      if (strict && !gone(err)) throw err;
    });
  await dv.deleteEndpoint(endpointId).catch((err: unknown) => {
    if (strict && !gone(err)) throw err;
  });
}

function manualSteps(url: string, key: string, why: string): string {
  const tables = CYCLE_ORDER.join(', ');
  return [
    `The Dynamics sync user may not register webhooks (${why}).`,
    'Ask a Dynamics administrator (System Customizer or System Administrator) to register it by hand,',
    'with the Plug-in Registration Tool:',
    `  1. Register New Web Hook: name "${WEBHOOK_NAME}", Endpoint URL ${url},`,
    `     Authentication HttpHeader, key ${WEBHOOK_HEADER}, value ${key}`,
    `  2. Register New Step on that webhook for each of Create, Update and Delete of ${tables}:`,
    '     Event Pipeline Stage PostOperation, Execution Mode Asynchronous, Delete AsyncOperation if StatusCode = Successful.',
    'dynasync has stored this key and accepts notifications carrying it from now on.',
    'Or grant the sync user prvCreateServiceEndpoint and prvCreateSdkMessageProcessingStep and run this again',
    '(after `dynasync webhook remove`).',
  ].join('\n');
}
