/**
 * Rendering helpers shared by every service's config: Handlebars templates from one
 * visible place per service, atomic writes, and "validate before swap" so the last
 * good config survives a bad render (STYLE 6).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Handlebars from 'handlebars';
import { PROJECT_ROOT } from '../config/settings';

/** `dovecot-templates/`, `haraka-templates/`, `spamassassin-templates/`, `unbound-templates/` at the project root. */
export function templateDir(service: 'dovecot' | 'haraka' | 'spamassassin' | 'unbound'): string {
  return path.join(PROJECT_ROOT, `${service}-templates`);
}

const compiled = new Map<string, Handlebars.TemplateDelegate>();

/** Renders one template; `strict` makes a missing variable an error, not an empty string. */
export function renderTemplate(file: string, context: object): string {
  let template = compiled.get(file);
  if (!template) {
    template = Handlebars.compile(fs.readFileSync(file, 'utf8'), { strict: true, noEscape: true });
    compiled.set(file, template);
  }
  return template(context);
}

/** Writes a file so readers see the old or the new content, never a half. */
export function writeFileAtomic(file: string, content: string, mode = 0o644): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = fs.openSync(tmp, 'w', mode);
  try {
    try {
      fs.writeFileSync(fd, content);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, file);
  } catch (err) {
    // e.g. ENOSPC: leave the old file as it was and no half-written temp file behind.
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

export interface RenderedFile {
  /** Path relative to the service's config directory. */
  name: string;
  content: string;
  mode?: number;
}

/**
 * Writes `files` into a scratch copy of `dir`, runs `validate` on it, and only then
 * replaces the live files one by one (each atomically). A failed validation throws
 * and leaves `dir` untouched.
 */
export function installValidated(dir: string, files: RenderedFile[], validate: (scratchDir: string) => void): void {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `render-${path.basename(dir)}-`));
  try {
    for (const f of files) writeFileAtomic(path.join(scratch, f.name), f.content, f.mode ?? 0o644);
    validate(scratch);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  for (const f of files) writeFileAtomic(path.join(dir, f.name), f.content, f.mode ?? 0o644);
}
