/**
 * The child side of the bench's IPC: announce readiness, answer requests by
 * type, and exit when the parent goes away (its IPC channel closes) or sends
 * SIGTERM, through process.exit so that --cpu-prof can write its profile.
 */
type Handler = (message: Record<string, unknown>) => Promise<Record<string, unknown>> | Record<string, unknown>;

export function serveIpc(handlers: Record<string, Handler>, onExit: () => Promise<void> = async () => {}): void {
  if (!process.send) throw new Error('this file is a bench child: start it from bench/run.ts');
  let exiting = false;
  const exit = () => {
    if (exiting) return;
    exiting = true;
    void onExit().finally(() => process.exit(0));
  };
  process.on('disconnect', exit);
  process.on('SIGTERM', exit);
  process.on('SIGINT', exit);
  process.on('message', (message: Record<string, unknown>) => {
    const handler = handlers[String(message.type)];
    const id = message.id;
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`no handler for ${String(message.type)}`);
        return handler(message);
      })
      .then(
        (reply) => process.send?.({ ...reply, id }),
        (error: unknown) => process.send?.({ id, error: (error as Error).stack ?? String(error) }),
      );
  });
}

export function announceReady(extra: Record<string, unknown> = {}): void {
  process.send?.({ type: 'ready', ...extra });
}
