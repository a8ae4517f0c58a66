import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: [
    './src/store/schema.ts',
    './src/store/schema-features.ts',
    './src/store/schema-admin.ts',
    './src/store/schema-ranges.ts',
  ],
  out: './src/store/migrations',
});
