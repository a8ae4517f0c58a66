// `npm run build` compiles TypeScript only; the migrations (SQL) and the web UI's static assets
// are read at run time next to their modules, so the build copies them into dist/ as well.
import { cpSync, existsSync } from 'node:fs';

for (const dir of ['store/migrations', 'web/assets']) {
  if (existsSync(`src/${dir}`)) cpSync(`src/${dir}`, `dist/${dir}`, { recursive: true });
}
