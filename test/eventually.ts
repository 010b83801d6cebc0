/**
 * The tests' one way to wait for something that happens asynchronously (a workflow after `env.sleep`, an activity's
 * row, the outbox sender): retries `check` until it stops throwing, or fails with its last error after `timeoutMs`.
 * The default leaves room for a loaded 2-core CI machine; a check that passes returns at once.
 */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 20_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
