import { z } from 'zod';
import type { User, UserRepository } from '../../store/repositories/index.js';
import { hashPassword, passwordSchema } from '../auth/passwords.js';
import { conflictOnDuplicate } from '../http/errors.js';
import { validate } from '../http/validate.js';
import { emailSchema } from '../schemas/common.js';

export const newUserSchema = z.object({
  email: emailSchema,
  name: z.string().trim().min(1).max(200).optional(),
  password: passwordSchema,
});

export type NewUser = z.input<typeof newUserSchema> & { isInstanceAdmin: boolean };

/**
 * Creates a user who can sign in at once (first administrator, CLI). The password is hashed with argon2id before
 * anything is written. 422 for a bad address or a short password, 409 when the address is taken.
 */
export async function createUser(users: Pick<UserRepository, 'create'>, input: NewUser): Promise<User> {
  const valid = validate('body', newUserSchema, { email: input.email, name: input.name, password: input.password });
  const passwordHash = await hashPassword(valid.password);
  const creating = users.create({ email: valid.email, name: valid.name ?? valid.email.split('@')[0] ?? valid.email, passwordHash, isSuperAdmin: input.isInstanceAdmin });
  return conflictOnDuplicate(creating, 'email_taken', `a user with the address ${valid.email} exists`);
}
