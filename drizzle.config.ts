// drizzle-kit configuration: `npx drizzle-kit generate` writes SQL migrations for db/schema.ts
// into db/migrations (committed; db/client.ts applies them at start on both drivers).
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema.ts',
  out: './db/migrations',
});
