// The Playground view. (Built in the Studio UI issue.)
export function PlaygroundView() {
  return (
    <section className="view" data-testid="view-playground">
      <h2>Playground</h2>
    </section>
  );
}
