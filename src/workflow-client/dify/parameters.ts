import { isRecord } from '../http-body.js';
import { ValidationError } from '../errors.js';

/** One input of the app's form (`user_input_form` item), flattened. */
export interface FormInput {
  variable: string;
  label: string;
  /** text-input, paragraph, select, number, checkbox, file, file-list, json_object, ... */
  type: string;
  required: boolean;
  maxLength?: number;
  options?: string[];
  default?: unknown;
}

/** What the app accepts as files (`file_upload` + `system_parameters`). Sizes in bytes. */
export interface FileUploadRules {
  enabled: boolean;
  /** Dify file types accepted: image, document, audio, video, custom. Empty = any. */
  allowedTypes: string[];
  /** For `custom`: extensions with a dot, lower case. */
  allowedExtensions: string[];
  /** Whether `local_file` uploads are allowed. */
  localFileAllowed: boolean;
  maxFiles?: number;
  maxBytes: { default?: number; image?: number; audio?: number; video?: number };
}

export interface AppParameters {
  inputs: FormInput[];
  files: FileUploadRules;
}

const MB = 1024 * 1024;

function megabytes(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.round(n * MB) : undefined;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Parses `/v1/parameters`, tolerating older and newer shapes (missing blocks mean "no constraint known"). */
export function parseParameters(body: unknown): AppParameters {
  const root = isRecord(body) ? body : {};
  const inputs: FormInput[] = [];
  for (const item of Array.isArray(root.user_input_form) ? root.user_input_form : []) {
    if (!isRecord(item)) continue;
    for (const [type, spec] of Object.entries(item)) {
      if (!isRecord(spec) || typeof spec.variable !== 'string') continue;
      const input: FormInput = {
        variable: spec.variable,
        label: typeof spec.label === 'string' ? spec.label : spec.variable,
        type: typeof spec.type === 'string' ? spec.type : type,
        required: spec.required === true,
      };
      if (typeof spec.max_length === 'number' && spec.max_length > 0) input.maxLength = spec.max_length;
      if (Array.isArray(spec.options)) input.options = strings(spec.options);
      if (spec.default !== undefined && spec.default !== null && spec.default !== '') input.default = spec.default;
      inputs.push(input);
    }
  }

  const upload = isRecord(root.file_upload) ? root.file_upload : {};
  const image = isRecord(upload.image) ? upload.image : {};
  const limits = { ...(isRecord(root.system_parameters) ? root.system_parameters : {}), ...(isRecord(upload.fileUploadConfig) ? upload.fileUploadConfig : {}) };
  const imageOnly = upload.enabled !== true && image.enabled === true;
  const methods = strings(upload.allowed_file_upload_methods ?? upload.allowed_upload_methods);
  const imageMethods = strings(image.transfer_methods);
  const files: FileUploadRules = {
    enabled: upload.enabled === true || image.enabled === true,
    allowedTypes: imageOnly ? ['image'] : strings(upload.allowed_file_types),
    allowedExtensions: strings(upload.allowed_file_extensions).map((e) => (e.startsWith('.') ? e : `.${e}`).toLowerCase()),
    localFileAllowed: (imageOnly ? imageMethods : methods).length === 0 || (imageOnly ? imageMethods : methods).includes('local_file'),
    maxBytes: {},
  };
  const maxFiles = typeof upload.number_limits === 'number' ? upload.number_limits : typeof image.number_limits === 'number' ? image.number_limits : undefined;
  if (maxFiles !== undefined && maxFiles > 0) files.maxFiles = maxFiles;
  const sizes: Array<[keyof FileUploadRules['maxBytes'], unknown]> = [
    ['default', limits.file_size_limit],
    ['image', limits.image_file_size_limit],
    ['audio', limits.audio_file_size_limit],
    ['video', limits.video_file_size_limit],
  ];
  for (const [key, value] of sizes) {
    const bytes = megabytes(value);
    if (bytes !== undefined) files.maxBytes[key] = bytes;
  }
  return { inputs, files };
}

/** Inputs whose type carries files or structured data: passed through untouched. */
const PASS_THROUGH_TYPES = new Set(['file', 'file-list', 'json_object', 'external_data_tool']);

/**
 * Checks rendered inputs against the app's form and converts what must be converted (number, checkbox).
 * Required inputs must have a value (or a form default); select values must be one of the options; text longer
 * than the field's max length is refused. Throws ValidationError naming every problem, with a user-facing sentence.
 */
export function validateInputs(inputs: Record<string, unknown>, form: FormInput[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...inputs };
  const problems: string[] = [];
  for (const field of form) {
    const raw = Object.hasOwn(inputs, field.variable) ? inputs[field.variable] : undefined;
    const empty = raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
    if (empty) {
      if (field.required && field.default === undefined) problems.push(`the required input "${field.variable}" (${field.label}) has no value`);
      continue;
    }
    if (PASS_THROUGH_TYPES.has(field.type)) continue;
    if (field.type === 'number') {
      const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
      if (!Number.isFinite(n)) problems.push(`the input "${field.variable}" (${field.label}) must be a number, got "${String(raw).slice(0, 40)}"`);
      else out[field.variable] = n;
      continue;
    }
    if (field.type === 'checkbox') {
      const text = String(raw).trim().toLowerCase();
      if (typeof raw === 'boolean') continue;
      if (['true', '1', 'yes', 'on'].includes(text)) out[field.variable] = true;
      else if (['false', '0', 'no', 'off'].includes(text)) out[field.variable] = false;
      else problems.push(`the input "${field.variable}" (${field.label}) must be true or false`);
      continue;
    }
    const text = typeof raw === 'string' ? raw : String(raw);
    if (field.type === 'select' && field.options && field.options.length > 0 && !field.options.includes(text)) {
      problems.push(`the input "${field.variable}" (${field.label}) must be one of ${field.options.map((o) => `"${o}"`).join(', ')}, got "${text.slice(0, 40)}"`);
      continue;
    }
    if (field.maxLength !== undefined && [...text].length > field.maxLength) {
      problems.push(`the input "${field.variable}" (${field.label}) is longer than its ${field.maxLength} characters`);
    }
  }
  if (problems.length > 0) {
    throw new ValidationError(`inputs do not match the app's form: ${problems.join('; ')}`, {
      userMessage: problems.length === 1 ? `The assistant could not start: ${problems[0]}.` : `The assistant could not start: ${problems.join('; ')}.`,
    });
  }
  return out;
}
