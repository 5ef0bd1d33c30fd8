import path from 'node:path';
import type { FilePayload } from '../../core/reply.js';
import { FileRefusedError, UpstreamError } from '../errors.js';
import { isRecord } from '../http-body.js';
import type { FileUploadRules } from './parameters.js';

export type DifyFileType = 'image' | 'document' | 'audio' | 'video' | 'custom';

/** What goes into the request's `files`. */
export interface DifyFileReference {
  type: DifyFileType;
  transfer_method: 'local_file';
  upload_file_id: string;
}

const DOCUMENT_EXTENSIONS = new Set([
  '.txt', '.md', '.mdx', '.markdown', '.pdf', '.html', '.htm', '.xlsx', '.xls', '.doc', '.docx', '.csv', '.eml',
  '.msg', '.pptx', '.ppt', '.xml', '.epub', '.json', '.vtt', '.properties',
]);
const DOCUMENT_MIMES = /^(text\/|application\/(pdf|json|xml|msword|vnd\.openxmlformats|vnd\.ms-|epub))/;

/** Dify's file type for a payload, from its MIME type and extension. */
export function difyFileType(file: Pick<FilePayload, 'name' | 'mime'>): DifyFileType {
  const major = file.mime.split('/')[0];
  if (major === 'image' || major === 'audio' || major === 'video') return major;
  if (DOCUMENT_MIMES.test(file.mime) || DOCUMENT_EXTENSIONS.has(path.extname(file.name).toLowerCase())) return 'document';
  return 'custom';
}

function megabytesText(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
}

/**
 * Checks files against the app's upload rules before anything is uploaded.
 * Throws FileRefusedError with a sentence for the chat user when a file cannot go.
 */
export function checkFiles(files: FilePayload[], rules: FileUploadRules | undefined): DifyFileType[] {
  const types = files.map(difyFileType);
  if (files.length === 0 || !rules) return types;
  if (!rules.enabled) {
    throw new FileRefusedError('the app does not accept files', 'This assistant cannot read files or images. Please send your request as text.');
  }
  if (!rules.localFileAllowed) {
    throw new FileRefusedError('the app accepts files by URL only', 'This assistant cannot receive uploaded files. Please send a link instead.');
  }
  if (rules.maxFiles !== undefined && files.length > rules.maxFiles) {
    throw new FileRefusedError(
      `${files.length} files, the app accepts ${rules.maxFiles}`,
      `The assistant accepts at most ${rules.maxFiles} file${rules.maxFiles === 1 ? '' : 's'} at a time. Please send fewer files.`,
    );
  }
  files.forEach((file, i) => {
    const type = types[i] ?? 'custom';
    const extension = path.extname(file.name).toLowerCase();
    const typeAllowed =
      rules.allowedTypes.length === 0 ||
      rules.allowedTypes.includes(type) ||
      (rules.allowedTypes.includes('custom') && (rules.allowedExtensions.length === 0 || rules.allowedExtensions.includes(extension)));
    if (!typeAllowed) {
      throw new FileRefusedError(
        `file type ${type} (${file.mime}) not in ${rules.allowedTypes.join(', ')}`,
        `The assistant cannot read "${file.name}": it accepts ${rules.allowedTypes.map((t) => (t === 'custom' ? 'other files' : `${t}s`)).join(', ')} only.`,
      );
    }
    const limit = (type === 'image' || type === 'audio' || type === 'video' ? rules.maxBytes[type] : undefined) ?? rules.maxBytes.default;
    if (limit !== undefined && file.data.length > limit) {
      throw new FileRefusedError(
        `file of ${file.data.length} bytes over the ${limit}-byte limit for ${type}`,
        `"${file.name}" is too large for the assistant (${megabytesText(file.data.length)}; the limit is ${megabytesText(limit)}). Please send a smaller file.`,
      );
    }
  });
  return types;
}

/** Builds the multipart body of `/v1/files/upload`. */
export function uploadForm(file: FilePayload, user: string): FormData {
  const form = new FormData();
  form.append('file', new Blob([file.data], { type: file.mime || 'application/octet-stream' }), file.name);
  form.append('user', user);
  return form;
}

/** `/v1/files/upload` answer → the reference to pass in `files`. */
export function fileReference(body: unknown, type: DifyFileType): DifyFileReference {
  if (!isRecord(body) || typeof body.id !== 'string') throw new UpstreamError('Dify answered the upload without a file id');
  return { type, transfer_method: 'local_file', upload_file_id: body.id };
}
