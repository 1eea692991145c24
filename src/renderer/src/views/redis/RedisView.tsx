// The Redis view. (Built in the Studio UI issue.)
export function RedisView() {
  return (
    <section className="view" data-testid="view-redis">
      <h2>Redis</h2>
    </section>
  );
}
