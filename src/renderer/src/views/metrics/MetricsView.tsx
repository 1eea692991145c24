// The Metrics view. (Built in the Studio UI issue.)
export function MetricsView() {
  return (
    <section className="view" data-testid="view-metrics">
      <h2>Metrics</h2>
    </section>
  );
}
