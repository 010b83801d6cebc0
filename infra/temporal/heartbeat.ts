import { Context } from '@temporalio/activity';

/** How often a long activity tells the server it is alive; well inside the heartbeat timeout of its options. */
const BEAT_EVERY_MS = 2_000;

/**
 * Runs `work` inside an activity, heartbeating every 2 s until it settles, so a worker that dies mid-way is noticed
 * at the heartbeat timeout (seconds) instead of the start-to-close timeout (minutes), and the work is retried on
 * another worker. The beats are timer-driven, so a long synchronous step delays them: keep such steps well under
 * the heartbeat timeout (the file analysis and PDF steps take a few seconds for a large board). Outside an
 * activity (a unit test calling the function) it just runs `work`.
 */
export async function withHeartbeat<T>(work: () => Promise<T>): Promise<T> {
  let context: Context;
  try {
    context = Context.current();
  } catch {
    return work();
  }
  context.heartbeat();
  const timer = setInterval(() => context.heartbeat(), BEAT_EVERY_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
