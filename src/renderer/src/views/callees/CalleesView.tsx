// The Callees view. (Built in the Studio UI issue.)
export function CalleesView() {
  return (
    <section className="view" data-testid="view-callees">
      <h2>Callees</h2>
    </section>
  );
}
