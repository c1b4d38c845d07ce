/**
 * Waiting for a local cloud that `npm start` is still bringing up: its servers answer 503
 * until they are ready, and before they listen a connection is refused. Commands run in a
 * second terminal (demo, smoke) wait a while for it instead of failing at once.
 */

export interface WaitOptions {
  /** How long to wait for the endpoint to answer something other than 503. */
  timeoutMs?: number;
  /** Told once when the first attempt finds the cloud not ready yet. */
  onWait?: (why: string) => void;
}

/** `fetch`, retried while the endpoint refuses connections or answers 503 (starting), up to the timeout. */
export async function fetchWhenReady(url: string, init: RequestInit = {}, options: WaitOptions = {}): Promise<Response> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let told = false;
  for (;;) {
    let why: string;
    try {
      const response = await fetch(url, init);
      if (response.status !== 503) return response;
      await response.body?.cancel();
      why = `${new URL(url).origin} is starting`;
    } catch (error) {
      why = `nothing answers on ${new URL(url).origin} yet (${error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error)})`;
    }
    if (Date.now() > deadline) throw new Error(`${why}: run \`npm start\` first, or wait until it prints "Local cloud ready"`);
    if (!told) options.onWait?.(`${why}; waiting up to ${Math.round((deadline - Date.now()) / 1000)} s...`);
    told = true;
    await new Promise((r) => setTimeout(r, 250));
  }
}
