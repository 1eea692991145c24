// The Sync view. (Built in the Studio UI issue.)
export function SyncView() {
  return (
    <section className="view" data-testid="view-sync">
      <h2>Sync</h2>
    </section>
  );
}
