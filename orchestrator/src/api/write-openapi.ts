#!/usr/bin/env node
/** `npm run openapi`: rewrites the committed docs/openapi.json from the route schemas. */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../config/settings';
import { openApiDocument } from './server';

export const OPENAPI_FILE = path.join(PROJECT_ROOT, 'docs', 'openapi.json');

export function renderOpenApi(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}

if (require.main === module) {
  fs.mkdirSync(path.dirname(OPENAPI_FILE), { recursive: true });
  fs.writeFileSync(OPENAPI_FILE, renderOpenApi());
  console.log(`wrote ${OPENAPI_FILE}`);
}
