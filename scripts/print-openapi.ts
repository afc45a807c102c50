// Prints the OpenAPI document the server serves at /openapi.json without starting a server
// (npm run openapi > openapi.json).
import { openapiDocument } from './openapi-document.ts';

process.stdout.write(`${JSON.stringify(await openapiDocument(process.env.PUBLIC_URL), null, 2)}\n`);
