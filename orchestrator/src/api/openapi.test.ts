/** The committed docs/openapi.json is exactly what the route schemas generate, and a valid OpenAPI 3.1 document. */
import fs from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import { OPENAPI_FILE, renderOpenApi } from './write-openapi';
import { ROUTES } from './routes';

describe('OpenAPI document', () => {
  it('is in sync with the committed docs/openapi.json (run `npm run openapi` after changing a route)', () => {
    expect(fs.readFileSync(OPENAPI_FILE, 'utf8')).toBe(renderOpenApi());
  });

  it('validates as OpenAPI', async () => {
    await expect(SwaggerParser.validate(JSON.parse(renderOpenApi()) as never)).resolves.toBeDefined();
  });

  it('documents every route with its role, and every error status', () => {
    const doc = JSON.parse(renderOpenApi()) as { paths: Record<string, Record<string, { description: string; responses: object }>> };
    for (const route of ROUTES) {
      const op = doc.paths[route.path.replace(/:([A-Za-z_]+)/g, '{$1}')]?.[route.method];
      expect(op?.description).toBe(`Role: ${route.role} or above.`);
      expect(Object.keys(op?.responses ?? {})).toEqual(expect.arrayContaining(['400', '401', '403', '404', '409', '422']));
    }
  });
});
