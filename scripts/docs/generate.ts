/**
 * `npm run docs`: writes the error pages, their index, the OpenAPI document, the client's types, the
 * threat model and the API page's figures.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ERRORS_DIR, renderAll } from './render';
import { API_PAGE_PATH, renderThreatModelFiles } from './threat-model';

const root = path.resolve(__dirname, '..', '..');
const files = new Map([...renderAll(), ...renderThreatModelFiles(readFileSync(path.join(root, API_PAGE_PATH), 'utf8'))]);
mkdirSync(path.join(root, ERRORS_DIR), { recursive: true });
// A page whose code left the catalog goes too.
for (const name of readdirSync(path.join(root, ERRORS_DIR))) {
  if (!files.has(`${ERRORS_DIR}/${name}`)) rmSync(path.join(root, ERRORS_DIR, name));
}
for (const [file, content] of files) {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), content);
}
console.log(`wrote ${files.size} files`);
