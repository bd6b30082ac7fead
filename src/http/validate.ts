import { z } from 'zod';
import { errors } from './AppError';

/**
 * Parse request input with a zod schema, or throw `validation_failed` with one readable message per field.
 * Field keys are the dotted path of the offending value ("email", "ids.3"); top-level problems use "_".
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const key = issue.path.length ? issue.path.map(String).join('.') : '_';
    if (!(key in fields)) fields[key] = issue.message;
  }
  throw errors.validation(fields);
}
