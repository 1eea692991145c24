// The Traces view. (Built in the Studio UI issue.)
export function TracesView() {
  return (
    <section className="view" data-testid="view-traces">
      <h2>Traces</h2>
    </section>
  );
}
