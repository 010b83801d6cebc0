export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** Polls until `check` stops throwing (workflows and the outbox sender run asynchronously). */
export async function eventuallyApi<T>(check: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() - started > timeoutMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
