/** Printed once per run so a reader knows which optional services were included. */
export default function setup(): void {
  if (!process.env.MARQUEE_TEST_PG_URL) {
    console.log(
      '[marquee tests] PostgreSQL runs skipped: MARQUEE_TEST_PG_URL is not set (CI sets it)',
    );
  }
}
