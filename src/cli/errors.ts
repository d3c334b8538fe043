/** Bad input from the user (flags, files, names): reported as one line, exit code 2, no stack trace. */
export class UsageError extends Error {
  override name = "UsageError";
}
