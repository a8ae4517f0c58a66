/**
 * Plays marketing in the demo: every so often it changes a synced person's job title in the lead
 * database, through the same store call the REST API, the person page and `dynasync person set`
 * use (the change and its outbox row in one transaction), then watches the outbox until the sender
 * has written it to Dynamics and says how long that took. So the demo shows people flowing both
 * ways: the reps' Dynamics edits arrive as Change Data Values, marketing's edits arrive in Dynamics.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../config/index.js';
import type { Db } from '../../store/db/types.js';
import { personWritesWaiting } from '../../store/outbox.js';
import { Ticker } from './ticker.js';
import { getPersonByDynamicsId, sampleDynamicsIds, setPersonFieldsLocally } from '../../store/records/index.js';

const TITLES = ['Marketing Champion', 'Webinar Speaker', 'Newsletter Subscriber', 'Event Attendee', 'Beta Tester'];
const WAIT_MS = 60_000;

export class MarketerSimulator extends Ticker {
  constructor(
    private readonly db: Db,
    private readonly say: (line: string) => void,
    logger: Logger,
  ) {
    super(logger, 'simulated marketing edit');
  }

  /** One marketing edit and its trip to Dynamics (the next tick waits for it). */
  protected async act(): Promise<string | null> {
    const [dynamicsId] = await sampleDynamicsIds(this.db, 'persons', 1);
    const person = dynamicsId ? await getPersonByDynamicsId(this.db, dynamicsId) : null;
    if (!person) return null; // nothing synced yet
    const title = `${TITLES[Math.floor(Math.random() * TITLES.length)]!} ${Math.floor(Math.random() * 100)}`;
    const started = Date.now();
    const { changed } = await setPersonFieldsLocally(this.db, {
      personId: person.id,
      values: { title },
      reason: 'Changed by marketing (demo)',
    });
    if (changed.length === 0) return null;
    const kind = (person.dynamicsType ?? 'person').toLowerCase();
    this.say(`Marketing edit: person ${person.id} (${kind}) job title → "${title}"; queued for Dynamics.`);
    const line = await this.awaitDelivery(person.id, `${kind} ${person.dynamicsId}`, started);
    this.say(line);
    return line;
  }

  private async awaitDelivery(personId: number, record: string, started: number): Promise<string> {
    while (Date.now() - started < WAIT_MS) {
      const waiting = await personWritesWaiting(this.db, personId);
      if (waiting.failed > 0) return `Marketing edit of person ${personId}: Dynamics refused it (see Sync errors).`;
      if (waiting.pending === 0) {
        return `Marketing edit of person ${personId}: written to ${record} in Dynamics ${((Date.now() - started) / 1000).toFixed(1)} s after the change.`;
      }
      await sleep(200);
    }
    return `Marketing edit of person ${personId}: still waiting for Dynamics after ${WAIT_MS / 1000} s (it stays queued).`;
  }
}
