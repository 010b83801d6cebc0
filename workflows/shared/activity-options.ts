/**
 * Activity options, one constant per kind of side effect, each with its failure model. Every workflow proxies its
 * activities with one of these; nothing else sets timeouts or retries.
 *
 * Common to all: an activity whose worker dies is noticed by the server when its heartbeat or start-to-close
 * timeout runs out (seconds) and is retried on another worker (or the same one, restarted). Retries have no attempt
 * limit: an infrastructure fault (database down, network) is waited out, with backoff, for as long as it lasts; a
 * business-rule refusal is thrown as `ApplicationFailure.nonRetryable` and fails the workflow task at once. Every activity is idempotent (keyed by
 * workflow id and step), so a retry after a crash finds its work done and changes nothing.
 */
import type { ActivityOptions } from '@temporalio/workflow';

/**
 * Database writes (one transaction each: projections, audit rows, tasks). They take milliseconds; 30 s is
 * generous even on a loaded machine, and is how long a write lost with its worker waits before it is retried.
 * A database outage retries at 1 s, 2 s, 4 s … then every minute until the database is back.
 */
export const DATABASE_WRITE: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
};

/**
 * Mail: the activity writes the message to the outbox table (a database write); the mailer process delivers it
 * over SMTP later and retries there. An SMTP outage therefore never blocks a workflow; a database outage does,
 * as for {@link DATABASE_WRITE}.
 */
export const MAIL_OUTBOX: ActivityOptions = DATABASE_WRITE;

/**
 * File work: analysing a board's Gerber / drill / BOM / placement files, rendering the quote PDF. Seconds for a
 * large board; bounded at five minutes. The activity heartbeats every 2 s (`withHeartbeat`), so a worker that dies
 * mid-way is noticed at the 30 s heartbeat timeout and the work runs again from the start on a live worker. (30 s
 * leaves room for a synchronous parsing step on a loaded machine, during which no beat can go out.)
 */
export const FILE_WORK: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
};

/**
 * A carrier's booking API (another company's service): slower and less available than our database. Two minutes
 * per call; retries start at 5 s and back off to every 10 minutes, for as long as the carrier is down. The
 * booking carries an idempotency key, so a retry after a lost answer books the same shipment.
 */
export const CARRIER_CALL: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
};
