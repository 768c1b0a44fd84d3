/**
 * English issue messages for `zod/mini`, loaded once by every schema module. Classic zod registers
 * them on its own; mini ships without them (its default message is a bare "Invalid input"), and
 * clients read these messages in problem `errors` ("Invalid email address", "Too big: …").
 *
 * `en` is imported by name, not as `z.locales.en`: the namespace would bundle every locale.
 */

import { en } from 'zod/locales';
import * as z from 'zod/mini';

z.config(en());
